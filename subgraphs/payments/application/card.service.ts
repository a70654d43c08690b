import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { ok, type Result } from '../../../platform/errors/result.ts';
import { fail } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { canTokenizeCard } from '../domain/access.ts';
import { validateCard } from '../domain/card.ts';
import { PaymentsErrorCodes } from '../domain/error-codes.ts';
import type { CardDetails, PaymentProvider, TokenizedCard } from './payment-provider.ts';
import type { Clock } from './clock.ts';
import type { PaymentsScope } from './scope.ts';

/** Cards become provider tokens here; the number goes to the network and nowhere else. */
export interface CardService {
  /** Customers only (thrown otherwise); a bad or expired card is a userError. */
  tokenize(scope: PaymentsScope, input: CardDetails): Promise<Result<TokenizedCard>>;
}

export function createCardService(deps: { provider: PaymentProvider; clock: Clock }): CardService {
  return {
    async tokenize(scope, input) {
      const caller = valueOrThrow(canTokenizeCard(scope.viewer));
      const valid = validateCard(input, deps.clock());
      if (!valid.ok) return valid;
      let card: TokenizedCard | null;
      try {
        card = await deps.provider.tokenize(valid.value);
      } catch (error) {
        scope.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'tokenize not answered by the network');
        return fail(userError(PaymentsErrorCodes.PAYMENT_PROVIDER_UNAVAILABLE, 'The card network did not answer; try again.'));
      }
      if (!card) return fail(userError(PaymentsErrorCodes.PAYMENT_CARD_INVALID, 'The card network refused this card.', ['input', 'number']));
      // Only what may be shown of the card is logged: never the number, expiry or code.
      scope.logger.child({ component: 'CardService' }).info({ userId: caller.userId, last4: card.last4, brand: card.brand }, 'card tokenized');
      return ok(card);
    },
  };
}
