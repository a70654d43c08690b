import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSubgraph } from '../platform/graphql/subgraph-server.ts';
import { createLogger } from '../platform/logging/logger.ts';
import { createTestGatewaySigning } from '../platform/testing/gateway-signing.ts';
import { startServiceProcess } from '../scripts/lib/service-process.ts';
import { loadSubgraph, MESSAGE_CONSUMER_NAMES, SUBGRAPH_NAMES, type SubgraphName } from '../subgraphs/registry.ts';
import { signed } from './support/graphql-client.ts';
import { testDatabaseUrl, testEnv, testMessagingPrefix, testRedisPrefix } from './support/test-env.ts';
import { deleteTestTopology } from '../platform/messaging/testing/topology-cleanup.ts';
import { waitFor } from './support/wait.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Federation's `_service { sdl }`: every subgraph answers it, whatever its own schema. */
const SDL_QUERY = JSON.stringify({ query: '{ _service { sdl } }' });
/** Port 1 is privileged and unused: a connection there is refused at once, like a database that is down. */
const NO_DATABASE_URL = 'postgresql://postgres@127.0.0.1:1/shop_nowhere';
/** The subgraphs answer only requests signed as by the gateway. */
const signing = createTestGatewaySigning();

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A GraphQL request whose headers the service has received and dispatched (it answered
 * `100 Continue`) but whose body has not been sent yet: in flight until `finish()`.
 */
async function beginGraphQLRequest(origin: string): Promise<{ finish(): Promise<Reply>; abandon(): void }> {
  const url = new URL('/graphql', origin);
  const req = request(url, {
    method: 'POST',
    agent: false,
    headers: signed(signing.signer, url.toString(), { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(SDL_QUERY)), expect: '100-continue' }, SDL_QUERY),
  });
  const reply = new Promise<Reply>((resolve, reject) => {
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.once('error', reject);
    });
    req.once('error', reject);
  });
  // Surfaces as the reply's rejection when the test reads it; unobserved until then.
  reply.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    req.once('continue', resolve);
    req.once('error', reject);
    req.flushHeaders();
  });
  return {
    finish() {
      req.end(SDL_QUERY);
      return reply;
    },
    abandon: () => req.destroy(),
  };
}

/** True once a new TCP connection to the port is refused. */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function getJson(url: string): Promise<{ status: number; body: { status?: string; checks?: { name: string; ok: boolean }[] } }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as { status?: string; checks?: { name: string; ok: boolean }[] } };
}

describe('subgraph lifecycle', () => {
  const logger = createLogger({ service: 'test', level: testEnv.TEST_LOG_LEVEL, pretty: false });
  let secretsDir = '';
  const messagingPrefix = testMessagingPrefix('lifecycle');
  const environment = (name: SubgraphName, overrides: Record<string, string> = {}): Record<string, string> => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: testDatabaseUrl(name),
    REDIS_URL: testEnv.REDIS_URL,
    REDIS_KEY_PREFIX: testRedisPrefix(`lifecycle-${name}-${randomUUID().slice(0, 8)}`),
    RABBITMQ_URL: testEnv.RABBITMQ_URL,
    MESSAGING_PREFIX: messagingPrefix,
    DEV_SECRETS_DIR: secretsDir,
    ...signing.env,
    ...overrides,
  });
  /** Booted and not yet told to close: what afterAll must close when a test failed half-way. */
  const open = new Set<RunningSubgraph>();
  const boot = async (name: SubgraphName, overrides: Record<string, string> = {}) => {
    const subgraph = await (await loadSubgraph(name)).boot(environment(name, overrides), logger.child({ service: name }));
    open.add(subgraph);
    return subgraph;
  };
  const close = (subgraph: RunningSubgraph) => {
    open.delete(subgraph);
    return subgraph.close();
  };

  beforeAll(() => {
    secretsDir = mkdtempSync(path.join(tmpdir(), 'shop-lifecycle-'));
  });
  afterAll(async () => {
    for (const subgraph of open) await close(subgraph);
    rmSync(secretsDir, { recursive: true, force: true });
    await deleteTestTopology(testEnv.RABBITMQ_URL, messagingPrefix, MESSAGE_CONSUMER_NAMES);
  });

  describe.each(SUBGRAPH_NAMES)('%s', (name) => {
    it('is live but not ready while its database is down', async () => {
      const subgraph = await boot(name, { DATABASE_URL: NO_DATABASE_URL });

      const ready = await getJson(`${subgraph.internalUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('unavailable');
      expect(ready.body.checks).toContainEqual(expect.objectContaining({ name: 'postgres', ok: false }));
      expect((await getJson(`${subgraph.url}/health/live`)).status).toBe(200);

      await close(subgraph);
    });

    it('resolves every concurrent close(): a stop signal during a close already under way must not hang', async () => {
      const subgraph = await boot(name);
      open.delete(subgraph);
      await expect(Promise.all([subgraph.close(), subgraph.close()])).resolves.toHaveLength(2);
    });

    it('answers 503 to readiness while close() drains an in-flight request, then finishes that request', async () => {
      const subgraph = await boot(name);
      const serverSockets: net.Socket[] = [];
      subgraph.server.on('connection', (socket: net.Socket) => serverSockets.push(socket));
      expect((await getJson(`${subgraph.url}/health/ready`)).status).toBe(200);

      const inFlight = await beginGraphQLRequest(subgraph.url);
      // A probe that had begun when shutdown started: its request line is already on the server,
      // so the server counts the connection as busy and keeps it through the drain.
      const probe = net.connect({ host: '127.0.0.1', port: subgraph.port });
      try {
        await new Promise<void>((resolve) => probe.once('connect', resolve));
        const probeReply = new Promise<string>((resolve) => {
          let text = '';
          probe.setEncoding('utf8');
          probe.on('data', (chunk: string) => (text += chunk));
          probe.once('close', () => resolve(text));
        });
        probe.write('GET /health/ready HTTP/1.1\r\nhost: 127.0.0.1\r\n');
        await waitFor('the probe request line to reach the server', () =>
          serverSockets.some((socket) => socket.remotePort === probe.localPort && socket.bytesRead > 0),
        );

        let closed = false;
        const closing = close(subgraph).then(() => (closed = true));
        probe.write('\r\n');
        const probeText = await probeReply;
        expect(probeText).toMatch(/^HTTP\/1\.1 503 /);
        expect(probeText).toContain('"status":"shutting_down"');
        expect(closed).toBe(false);

        const reply = await inFlight.finish();
        expect(reply.status).toBe(200);
        expect((JSON.parse(reply.body) as { data: { _service: { sdl: string } } }).data._service.sdl).toContain('type Query');
        await closing;
        expect(await refusesConnections(subgraph.port)).toBe(true);
      } finally {
        // After a failure, do not leave the drain waiting for clients that will never finish.
        inFlight.abandon();
        probe.destroy();
      }
    });

    it('as its own process, on SIGTERM stops accepting, finishes the in-flight request and exits 0', async () => {
      const service = await startServiceProcess({
        name,
        args: ['--import', 'tsx', `subgraphs/${name}/main.ts`],
        cwd: ROOT,
        env: environment(name, { LOG_LEVEL: 'info' }),
      });
      try {
        const port = Number(new URL(service.origin).port);
        const inFlight = await beginGraphQLRequest(service.origin);

        const exitCode = service.stop();
        await waitFor('the subgraph to refuse new connections', () => refusesConnections(port));
        const reply = await inFlight.finish();
        expect(reply.status).toBe(200);
        expect(reply.headers.connection).toBe('close');
        expect((JSON.parse(reply.body) as { data: { _service: { sdl: string } } }).data._service.sdl).toContain('type Query');
        expect(await exitCode).toBe(0);
      } finally {
        service.child.kill('SIGKILL');
      }
    });
  });
});
