import type { PaymentProvider } from '../domain/payment-provider.ts';

/**
 * The payment-provider port: what payments needs of a card network (types in
 * domain/payment-provider.ts, so the adapter in infra implements them without importing the
 * application layer). The only adapter today is infra/simulated-card-network.ts.
 */
export type { AuthorizeOutcome, CaptureOutcome, CardDetails, PaymentProvider, RefundOutcome, TokenizedCard, VoidOutcome } from '../domain/payment-provider.ts';

/** The network did not answer within PAYMENT_PROVIDER_TIMEOUT_MS: nothing is known of the outcome. */
export class ProviderTimeoutError extends Error {
  override name = 'ProviderTimeoutError';
}

/**
 * Bounds every provider call by `timeoutMs`. The call is not cancelled at the network (an answer
 * may still be recorded there), which is why every call carries an idempotency key: the caller
 * repeats it, or voids by the same key. A late failure of an abandoned call is swallowed.
 */
export function withProviderTimeout(provider: PaymentProvider, timeoutMs: number): PaymentProvider {
  const bounded =
    <A, R>(call: (request: A, signal?: AbortSignal) => Promise<R>) =>
    (request: A): Promise<R> => {
      const controller = new AbortController();
      const work = call(request, controller.signal);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new ProviderTimeoutError(`the card network did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      return Promise.race([work, timeout]).finally(() => {
        clearTimeout(timer);
        work.catch(() => undefined);
      });
    };
  return {
    tokenize: bounded((card, signal) => provider.tokenize(card, signal)),
    authorize: bounded((request, signal) => provider.authorize(request, signal)),
    capture: bounded((request, signal) => provider.capture(request, signal)),
    void: bounded((request, signal) => provider.void(request, signal)),
    refund: bounded((request, signal) => provider.refund(request, signal)),
  };
}
