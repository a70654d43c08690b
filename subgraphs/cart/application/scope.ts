import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import type { CartLoaders } from './loaders.ts';

/**
 * One request as the services see it: the caller, its logger (carrying the request id), its own
 * loaders of catalog's and inventory's answers, and its caller's signal. Every service method takes it first.
 */
export interface CartScope extends BaseRequestContext {
  loaders: CartLoaders;
  /** Fires when the caller went away before the answer was sent: reads then stop. */
  signal: AbortSignal;
}
