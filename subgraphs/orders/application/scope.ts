import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';

/**
 * One request as the services see it: the caller, its logger (carrying the request id) and its
 * caller's signal (it also stops the reads of cart and catalog at placement). Every service
 * method takes it first.
 */
export interface OrdersScope extends BaseRequestContext {
  /** Fires when the caller went away before the answer was sent: list reads then stop. */
  signal: AbortSignal;
}
