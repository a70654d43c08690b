import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import type { CatalogLoaders } from './loaders.ts';

/**
 * One request as the services see it: the caller, its logger (carrying the request id) and its
 * own DataLoaders. Every service method takes it first; it is the only thing built per request.
 */
export interface CatalogScope extends BaseRequestContext {
  loaders: CatalogLoaders;
  /** Fires when the caller went away before the answer was sent: list reads and loaders then stop. */
  signal: AbortSignal;
}
