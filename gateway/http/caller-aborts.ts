import { currentCallerSignal } from '../../platform/http/caller-signal.ts';
import type { Fetcher } from './fetcher.ts';

/**
 * Subgraph requests made for a client stop when that client goes away: each one carries the
 * signal of the request it is made for (platform apolloRoute runs every request with it), so the
 * connection to the subgraph closes and the subgraph stops working on it too. A mutation cut off
 * this way is never sent again (safe-resend.ts resends only queries over a broken connection, and
 * an abort is not one). Readiness checks run for no request and keep their own deadline only.
 */
export function abortWhenCallerLeaves(fetch: Fetcher): Fetcher {
  return (url, init) => {
    const caller = currentCallerSignal();
    if (!caller) return fetch(url, init);
    const own = init?.signal as AbortSignal | null | undefined;
    return fetch(url, { ...init, signal: own ? AbortSignal.any([own, caller]) : caller });
  };
}
