import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import type { InventoryLoaders } from './loaders.ts';

/**
 * One request as the services see it: the caller, its logger (carrying the request id), its own
 * DataLoaders and its caller's signal. Every service method takes it first.
 */
export interface InventoryScope extends BaseRequestContext {
  loaders: InventoryLoaders;
  /** Fires when the caller went away before the answer was sent: list reads and loaders then stop. */
  signal: AbortSignal;
}
