import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGatewaySigner, createGatewaySignatureVerifier } from '../graphql/gateway-signature.ts';
import { createLogger } from '../logging/logger.ts';
import { startHttpServer, type RunningHttpServer } from './http-server.ts';
import { createInternalReadClient, internalReadRoute, InternalReadError } from './internal-read.ts';

const secret = 'internal-read-spec-secret-0123456789abcdef';
const logger = createLogger({ service: 'spec', level: 'silent', pretty: false });
const verifier = createGatewaySignatureVerifier({ secrets: [secret], maxAgeSeconds: 60 });
const signer = createGatewaySigner([secret]);
const answer = z.object({ doubled: z.array(z.number()) });

describe('internal reads', () => {
  let server: RunningHttpServer;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger,
      timeouts: { headersTimeoutMs: 5_000, requestTimeoutMs: 5_000 },
      routes: {
        '/internal/double': internalReadRoute({
          body: z.object({ numbers: z.array(z.number()).max(3) }),
          verifier,
          logger,
          handle: async ({ numbers }, { requestId }) => {
            seen.push(requestId);
            return { doubled: numbers.map((n) => n * 2) };
          },
        }),
        '/internal/wrong-shape': internalReadRoute({ body: z.object({}), verifier, logger, handle: async () => ({ something: 'else' }) }),
        '/internal/slow': internalReadRoute({
          body: z.object({}),
          verifier,
          logger,
          handle: (_body, { signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({}))),
        }),
      },
    });
  });
  afterAll(() => server.close());

  it('answers a signed, valid read and forwards the request id', async () => {
    const client = createInternalReadClient({ baseUrl: server.url, signer, timeoutMs: 2_000, logger });
    await expect(client.post('/internal/double', { numbers: [1, 2] }, { schema: answer, requestId: 'req-42' })).resolves.toEqual({ doubled: [2, 4] });
    expect(seen).toContain('req-42');
  });

  it('refuses an unsigned read, and one signed with another secret', async () => {
    const unsigned = await fetch(`${server.url}/internal/double`, { method: 'POST', body: JSON.stringify({ numbers: [1] }) });
    expect(unsigned.status).toBe(401);
    const foreign = createInternalReadClient({ baseUrl: server.url, signer: createGatewaySigner(['another-secret-0123456789abcdef-0123456']), timeoutMs: 2_000, logger });
    await expect(foreign.post('/internal/double', { numbers: [1] }, { schema: answer })).rejects.toMatchObject({ code: 'INTERNAL_READ_FAILED' });
  });

  it('refuses a body its schema refuses (400) and does not run the handler', async () => {
    const before = seen.length;
    const client = createInternalReadClient({ baseUrl: server.url, signer, timeoutMs: 2_000, logger });
    await expect(client.post('/internal/double', { numbers: [1, 2, 3, 4] }, { schema: answer })).rejects.toBeInstanceOf(InternalReadError);
    expect(seen.length).toBe(before);
  });

  it('refuses an answer of an unexpected shape, a timeout and an unreachable owner with their codes', async () => {
    const client = createInternalReadClient({ baseUrl: server.url, signer, timeoutMs: 300, logger });
    await expect(client.post('/internal/wrong-shape', {}, { schema: answer })).rejects.toMatchObject({ code: 'INTERNAL_READ_FAILED' });
    await expect(client.post('/internal/slow', {}, { schema: answer })).rejects.toMatchObject({ code: 'INTERNAL_READ_TIMEOUT' });
    const nobody = createInternalReadClient({ baseUrl: 'http://127.0.0.1:1', signer, timeoutMs: 2_000, logger });
    await expect(nobody.post('/internal/double', { numbers: [] }, { schema: answer })).rejects.toMatchObject({ code: 'INTERNAL_READ_UNAVAILABLE' });
  });
});
