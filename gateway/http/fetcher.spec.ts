import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubgraphTimeoutError, type SubgraphFetcherFactory } from './fetcher.ts';
import { createUndiciFetcher } from './undici-fetcher.ts';
import { createKeepAliveFetcher } from '../../scripts/bench/keep-alive-fetcher.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

// The gateway's client, and the one the bench measures it against (so that comparison stays a fair one).
const clients: [string, SubgraphFetcherFactory][] = [
  ['undici', createUndiciFetcher],
  ['keep-alive (node:http, bench only)', createKeepAliveFetcher],
];

describe.each(clients)('%s fetcher', (_name, createFetcher) => {
  let server: Server;
  let base: string;
  const routes = new Map<string, Handler>();
  const remotePorts: number[] = [];
  const fetcher = createFetcher({ maxSockets: 4, timeoutMs: 300 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      remotePorts.push(req.socket.remotePort ?? 0);
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => routes.get(req.url ?? '')?.(req, body, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    routes.set('/echo', (req, body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Seen-Length': String(req.headers['content-length']) });
      res.end(JSON.stringify({ method: req.method, body: JSON.parse(body) as unknown, auth: req.headers.authorization ?? null }));
    });
    routes.set('/error', (_req, _body, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
    });
    routes.set('/html', (_req, _body, res) => {
      res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' });
      res.end('<html><body>upstream down</body></html>');
    });
    routes.set('/big', (_req, _body, res) => {
      // Written in pieces with a pause, so the reply arrives in several chunks.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":[');
      setTimeout(() => res.end(`${Array.from({ length: 20_000 }, (_, i) => i).join(',')}]}`), 20);
    });
    routes.set('/query?x=1', (req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url }));
    });
    routes.set('/never', () => {
      // never answers: the fetcher's deadline must fire
    });
  });
  afterAll(async () => {
    fetcher.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts a body and reads JSON, status and case-insensitive headers', async () => {
    const payload = JSON.stringify({ query: '{ a }', variables: { é: 'ü' } });
    const response = await fetcher.fetch(`${base}/echo`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: payload });
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('X-SEEN-LENGTH')).toBe(String(Buffer.byteLength(payload)));
    expect(response.headers.has('nope')).toBe(false);
    expect(await response.json()).toEqual({ method: 'POST', body: { query: '{ a }', variables: { é: 'ü' } }, auth: 'Bearer t' });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('reuses pooled sockets across sequential requests', async () => {
    // Its own pool: what other tests left in the shared one (timed-out, aborted sockets) is not this test's.
    const pooled = createFetcher({ maxSockets: 4, timeoutMs: 2_000 });
    try {
      remotePorts.length = 0;
      for (let i = 0; i < 5; i += 1) await (await pooled.fetch(`${base}/echo`, { method: 'POST', body: '{}' })).json();
      expect(remotePorts).toHaveLength(5);
      // undici may open a second socket while it checks an idle one for a close before reusing it.
      expect(new Set(remotePorts).size).toBeLessThanOrEqual(2);
    } finally {
      pooled.close();
    }
  });

  it('joins a reply that arrives in several chunks, and keeps the query string of the URL', async () => {
    const big = (await (await fetcher.fetch(`${base}/big`, { method: 'GET' })).json()) as { items: number[] };
    expect(big.items).toHaveLength(20_000);
    expect(big.items.at(-1)).toBe(19_999);
    for (let i = 0; i < 2; i += 1) {
      expect(await (await fetcher.fetch(`${base}/query?x=1`, { method: 'GET' })).json()).toEqual({ url: '/query?x=1' });
    }
  });

  it('hands a subgraph error reply back as a non-ok response with its body', async () => {
    const response = await fetcher.fetch(`${base}/error`, { method: 'POST', body: '{}' });
    expect(response.ok).toBe(false);
    expect(response.status).toBe(500);
    const copy = response.clone();
    expect(await response.json()).toEqual({ errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    expect(await copy.text()).toContain('boom');
  });

  it('reads a non-JSON reply as text and rejects parsing it as JSON', async () => {
    const response = await fetcher.fetch(`${base}/html`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(502);
    expect(response.statusText).toBe('Bad Gateway');
    expect(await response.clone().text()).toContain('upstream down');
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('gives up at its deadline and on abort', async () => {
    await expect(fetcher.fetch(`${base}/never`, { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(SubgraphTimeoutError);
    const controller = new AbortController();
    const pending = fetcher.fetch(`${base}/never`, { method: 'POST', body: '{}', signal: controller.signal });
    controller.abort(new Error('caller went away'));
    await expect(pending).rejects.toThrow('caller went away');
  });

  it('fails fast when nothing listens', async () => {
    await expect(fetcher.fetch('http://127.0.0.1:9/graphql', { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
