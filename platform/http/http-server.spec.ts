import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { sendJson, startHttpServer } from './http-server.ts';

const logger = createLogger({ service: 'http-spec', level: 'silent', pretty: false });

describe('http server', () => {
  it('serves its routes, answers 404 elsewhere, and resolves every concurrent close()', async () => {
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger,
      timeouts: { headersTimeoutMs: 5_000, requestTimeoutMs: 10_000 },
      routes: { '/hello': (_req, res) => sendJson(res, 200, { hi: true }) },
    });
    expect(await (await fetch(`${server.url}/hello`)).json()).toEqual({ hi: true });
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    // A signal arriving while a test (or another step) is already closing must not hang the process.
    await expect(Promise.all([server.close(), server.close()])).resolves.toEqual([undefined, undefined]);
    await expect(fetch(`${server.url}/hello`)).rejects.toThrow();
  });
});
