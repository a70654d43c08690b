import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWKS_PATH } from '../platform/auth/access-token.ts';
import { processEnv } from '../platform/config/load-config.ts';
import { sendJson } from '../platform/http/http-server.ts';
import { testEnv, testRedisPrefix } from '../test/support/test-env.ts';
import { waitFor } from '../test/support/wait.ts';
import { attemptsIn, type OutboundAttempt } from './testing/outbound-attempts.ts';
import { postGraphQL, startToySubgraphs, TOY_USERS, type ToySubgraphs } from './testing/toy-platform.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RECORDER = path.join(ROOT, 'gateway/testing/outbound-recorder.ts');

interface GatewayRun {
  /** What the gateway answered the authenticated request. */
  answer: Awaited<ReturnType<typeof postGraphQL>>;
  attempts: OutboundAttempt[];
  exitCode: number | null;
}

const hostPort = (url: string) => new URL(url).host;

/**
 * Runs the gateway the way production does (its own process, gateway/main.ts, production mode)
 * under the outbound recorder, sends one authenticated request, stops it with SIGTERM and waits
 * for it to exit, so whatever it schedules at start or flushes at shutdown is recorded too.
 */
async function runGateway(env: Record<string, string>, query: string, token: string): Promise<GatewayRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', RECORDER, path.join(ROOT, 'gateway/main.ts')], {
    cwd: ROOT,
    // Only what is set here: nothing from the test runner's environment (such as APOLLO_TELEMETRY_DISABLED) leaks in.
    env: { PATH: processEnv().PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await waitFor(
      'the gateway to listen',
      () => {
        if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}:\n${stderr}`);
        const listening = /"msg":"gateway listening"/.test(stdout) ? /"url":"([^"]+\/graphql)"/.exec(stdout) : null;
        return listening?.[1];
      },
      { timeoutMs: 30_000 },
    );
    const answer = await postGraphQL(url, { query }, { authorization: `Bearer ${token}` });
    child.kill('SIGTERM');
    const exitCode = await waitFor('the gateway to exit after SIGTERM', () => (child.exitCode !== null || child.signalCode !== null ? exited : undefined), {
      timeoutMs: 20_000,
    });
    return { answer, attempts: attemptsIn(stderr), exitCode };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe('outbound connections of the gateway process', () => {
  let toys: ToySubgraphs;
  let jwksServer: Server;
  let jwksUrl: string;
  let dir: string;
  let env: Record<string, string>;
  const query = '{ me { name } products { id vendor { name } } }';

  beforeAll(async () => {
    toys = await startToySubgraphs();
    // The keys on their own port, so the record shows the JWKS fetch apart from the subgraph calls.
    jwksServer = createServer((req, res) => (req.url === JWKS_PATH ? sendJson(res, 200, toys.tokens.jwks) : sendJson(res, 404, {})));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}${JWKS_PATH}`;
    dir = mkdtempSync(path.join(tmpdir(), 'gateway-outbound-'));
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, toys.supergraphSdl);
    env = { SUPERGRAPH_PATH: supergraphPath, JWKS_URL: jwksUrl, REDIS_URL: testEnv.REDIS_URL, SESSIONS_KEY_PREFIX: testRedisPrefix('outbound-sessions'), ...toys.gatewayEnv };
  });
  afterAll(async () => {
    await toys?.close();
    jwksServer?.closeAllConnections();
    if (jwksServer) await new Promise((resolve) => jwksServer.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects to its subgraphs, the JWKS URL and Redis (ended sessions) only, from start to exit', { timeout: 90_000 }, async () => {
    const token = await toys.signToken({ sub: TOY_USERS[0]!.id, role: 'CUSTOMER' });
    const run = await runGateway(env, query, token);

    expect(run.answer.body.errors).toBeUndefined();
    expect(run.answer.body.data?.me).toEqual({ name: 'Ada' });
    expect(run.exitCode).toBe(0);
    const destinations = [...new Set(run.attempts.map((attempt) => `${attempt.kind} ${attempt.destination}`))].sort();
    expect(destinations).toEqual(
      [toys.accounts.graphqlUrl, toys.shelf.graphqlUrl, jwksUrl, testEnv.REDIS_URL].map((url) => `tcp ${hostPort(url)}`).sort(),
    );
  });

  it('records the calls Apollo telemetry makes once an operator opts in (the check above can fail)', { timeout: 90_000 }, async () => {
    const token = await toys.signToken({ sub: TOY_USERS[0]!.id, role: 'CUSTOMER' });
    const run = await runGateway({ ...env, GATEWAY_APOLLO_TELEMETRY: 'true' }, query, token);

    expect(run.answer.body.errors).toBeUndefined();
    const elsewhere = run.attempts.filter((attempt) => attempt.blocked).map((attempt) => attempt.destination);
    expect(elsewhere).toEqual(
      expect.arrayContaining([
        // Cloud-metadata probes at start (AWS and Azure, GCP)…
        '169.254.169.254:80',
        'metadata.google.internal.:80',
        // …and the usage metrics flushed to Apollo at shutdown.
        'usage-reporting.api.apollographql.com:443',
      ]),
    );
  });
});
