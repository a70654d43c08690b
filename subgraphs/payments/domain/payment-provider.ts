/**
 * The card network as payments sees it (the port's types; application/payment-provider.ts is the
 * port itself). Every money-moving call carries an idempotency key: the same key always gets the
 * first answer and moves money at most once, so a call cut short (timeout, crash) is simply
 * repeated. An authorization is referred to by the key it was asked with (the order id), which
 * also lets a void reach an authorization whose answer never arrived.
 */

/** What a customer types; only ever passed straight to the network, never stored or logged. */
export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** What the network hands back for a card: a token to pay with, and what may be shown of it. */
export interface TokenizedCard {
  token: string;
  last4: string;
  brand: string;
}

export interface Amount {
  amount: number;
  currency: string;
}

export type DeclineCode = 'CARD_DECLINED' | 'INSUFFICIENT_FUNDS' | 'INVALID_PAYMENT_METHOD';

export type AuthorizeOutcome =
  | { status: 'AUTHORIZED'; authorizationId: string; last4: string; brand: string }
  | { status: 'DECLINED'; code: DeclineCode; authorizationId: string | null };

export type CaptureOutcome = { status: 'CAPTURED'; amount: number } | { status: 'REFUSED'; code: 'AUTHORIZATION_EXPIRED' | 'NOT_AUTHORIZED' };

export type VoidOutcome = { status: 'VOIDED' } | { status: 'REFUSED'; code: 'ALREADY_CAPTURED' };

export type RefundOutcome = { status: 'REFUNDED'; amount: number } | { status: 'REFUSED'; code: 'NOT_CAPTURED' | 'EXCEEDS_CAPTURED' };

export interface PaymentProvider {
  /** A card becomes a token; `null` when the network refuses the card outright (bad number). */
  tokenize(card: CardDetails, signal?: AbortSignal): Promise<TokenizedCard | null>;
  /** Holds `amount` on the token's card. Idempotent by `idempotencyKey` (the order id). */
  authorize(request: { token: string; amount: Amount; idempotencyKey: string }, signal?: AbortSignal): Promise<AuthorizeOutcome>;
  /** Takes `amount` of the authorization asked with `authorizationKey`. Idempotent by `idempotencyKey`. */
  capture(request: { authorizationKey: string; amount: number; idempotencyKey: string }, signal?: AbortSignal): Promise<CaptureOutcome>;
  /** Drops the authorization (also one still being answered, or never made). Idempotent by `idempotencyKey`. */
  void(request: { authorizationKey: string; idempotencyKey: string }, signal?: AbortSignal): Promise<VoidOutcome>;
  /** Gives `amount` of the captured money back. Idempotent by `idempotencyKey`. */
  refund(request: { authorizationKey: string; amount: number; idempotencyKey: string }, signal?: AbortSignal): Promise<RefundOutcome>;
}
