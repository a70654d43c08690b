import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';

/**
 * One request as the services see it: the caller, its logger (carrying the request id) and its
 * caller's signal. Payments batches nothing across a request's fields, so it has no loaders.
 */
export interface PaymentsScope extends BaseRequestContext {
  /** Fires when the caller went away before the answer was sent: list reads then stop. */
  signal: AbortSignal;
}
