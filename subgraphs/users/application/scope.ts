import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import type { UsersLoaders } from './loaders.ts';

/**
 * One request as every service method sees it (its first argument): the caller, the request's
 * logger and id, and what lives only as long as the request.
 */
export interface UsersScope extends BaseRequestContext {
  /** New per request, so batching and caching never cross callers. */
  loaders: UsersLoaders;
  /** Fires when the caller went away before the answer was sent: list reads and loaders then stop. */
  signal: AbortSignal;
  /**
   * Accounts this request signed in (sign-up, log-in, refresh). The caller holds no token for
   * them yet, but the payload of that mutation may show the account's own private fields.
   */
  signedInNow: Set<string>;
}
