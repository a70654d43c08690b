import { withTimeout } from '../lifecycle/with-timeout.ts';
import type { RouteHandler } from './http-server.ts';
import { sendJson } from './http-server.ts';

/** A dependency the process needs to serve traffic (its database, Redis, …). */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  try {
    await withTimeout(check.check(), CHECK_TIMEOUT_MS, check.name);
    return { name: check.name, ok: true };
  } catch (error) {
    return { name: check.name, ok: false, error: error instanceof Error ? error.message : 'failed' };
  }
}

/**
 * `/health/live` says the process runs; `/health/ready` says it can serve (every check passes)
 * and turns 503 once shutdown begins so load balancers drain it first.
 */
export function healthRoutes(checks: ReadinessCheck[], isShuttingDown: () => boolean): Record<string, RouteHandler> {
  return {
    '/health/live': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/health/ready': async (_req, res) => {
      if (isShuttingDown()) {
        sendJson(res, 503, { status: 'shutting_down', checks: [] });
        return;
      }
      const results = await Promise.all(checks.map(runCheck));
      const ready = results.every((result) => result.ok);
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', checks: results });
    },
  };
}
