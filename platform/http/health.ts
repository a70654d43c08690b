import type { ServerResponse } from 'node:http';
import { withTimeout } from '../lifecycle/with-timeout.ts';
import { sendJson, type Routes } from './http-server.ts';

/** A dependency the process needs to serve traffic (its database, Redis, …). */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
}

const CHECK_TIMEOUT_MS = 2_000;

interface CheckResult {
  name: string;
  ok: boolean;
  error?: string;
}

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  try {
    await withTimeout(check.check(), CHECK_TIMEOUT_MS, check.name);
    return { name: check.name, ok: true };
  } catch (error) {
    return { name: check.name, ok: false, error: error instanceof Error ? error.message : 'failed' };
  }
}

/**
 * `/health/live` says the process runs; `/health/ready` says it can serve (every check passes)
 * and turns 503 once shutdown begins so load balancers drain it first. Which check failed and
 * why (`details`) is for the internal listener only: on the public one it would tell a stranger
 * what the service depends on and how it is failing.
 */
export function healthRoutes(checks: ReadinessCheck[], isShuttingDown: () => boolean, options: { details: boolean }): Routes {
  const answer = (res: ServerResponse, status: number, body: { status: string; checks: CheckResult[] }) =>
    sendJson(res, status, options.details ? body : { status: body.status });
  return {
    '/health/live': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/health/ready': async (_req, res) => {
      if (isShuttingDown()) {
        answer(res, 503, { status: 'shutting_down', checks: [] });
        return;
      }
      const results = await Promise.all(checks.map(runCheck));
      const ready = results.every((result) => result.ok);
      answer(res, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', checks: results });
    },
  };
}
