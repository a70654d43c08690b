import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';

/**
 * The reason a request's signal fires: its caller closed the connection (a client that left, a
 * gateway that gave up) before the answer was sent, so nobody will read what the work produces.
 */
export class CallerGoneError extends Error {
  override name = 'CallerGoneError';
  constructor() {
    super('The caller closed the connection before the answer was sent.');
  }
}

/** True for a CallerGoneError, also when GraphQL wrapped it (a resolver's error is its `originalError`). */
export function isCallerGone(error: unknown): boolean {
  for (let current = error, hops = 0; current && hops < 5; hops += 1) {
    if (current instanceof CallerGoneError) return true;
    current = typeof current === 'object' && 'originalError' in current ? current.originalError : null;
  }
  return false;
}

/**
 * Fires with CallerGoneError when the connection closes before `res` has been sent. A response
 * that was sent completes normally and the signal never fires.
 */
export function callerSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new CallerGoneError());
  });
  return controller.signal;
}

/** For work that no connection waits on (specs, scripts): it never fires. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

const current = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `work` with `signal` as the current request's, for code that a library calls without our
 * context (the gateway's subgraph client, called by @apollo/gateway).
 */
export function runWithCallerSignal<T>(signal: AbortSignal, work: () => T): T {
  return current.run(signal, work);
}

/** The signal of the request this code runs for, if it runs for one. */
export function currentCallerSignal(): AbortSignal | undefined {
  return current.getStore();
}
