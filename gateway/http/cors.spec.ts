import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/load-config.ts';
import type { RouteHandler } from '../../platform/http/http-server.ts';
import { loadGatewayConfig } from '../config.ts';
import { CORS_ALLOWED_HEADERS, parseCorsOrigin, withCors } from './cors.ts';

const SHOP = 'https://shop.example';
const ADMIN = 'http://localhost:3000';

/** The route behind CORS: answers every request it sees, and rate-limit headers like the real one would. */
const graphqlRoute: RouteHandler = (req, res) => {
  res.setHeader('ratelimit-remaining', '99');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ data: { method: req.method } }));
};

describe('CORS on /graphql', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = null;
  });

  async function serve(origins: string[]): Promise<string> {
    server = createServer((req, res) => void withCors(origins, graphqlRoute)(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
  const corsHeaders = (response: Response) =>
    Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));

  it('answers an allowed origin\'s preflight with 204, the methods, headers and max age, echoing that origin only', async () => {
    const url = await serve([SHOP, ADMIN]);
    const response = await preflight(url, SHOP);
    expect(response.status).toBe(204);
    expect(corsHeaders(response)).toEqual({
      'access-control-allow-origin': SHOP,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(CORS_ALLOWED_HEADERS).toEqual(
      expect.arrayContaining(['content-type', 'authorization', 'x-api-key', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id']),
    );
    expect(await response.text()).toBe('');
  });

  it('lets an allowed origin read the answer and the rate-limit, retry and request-id headers', async () => {
    const url = await serve([SHOP]);
    const response = await fetch(url, { method: 'POST', headers: { origin: SHOP, 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(response.headers.get('access-control-expose-headers')?.split(', ')).toEqual(
      expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'x-request-id']),
    );
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('gives a disallowed origin no CORS headers, on the preflight and on the request', async () => {
    const url = await serve([SHOP]);
    const refused = await preflight(url, 'https://evil.example');
    expect(refused.status).toBe(204);
    expect(corsHeaders(refused)).toEqual({ vary: 'Origin' });
    const request = await fetch(url, { method: 'POST', headers: { origin: 'https://shop.example.evil.example' }, body: '{}' });
    expect(request.status).toBe(200);
    expect(corsHeaders(request)).toEqual({ vary: 'Origin' });
  });

  it('sends no CORS headers at all when no origin is configured', async () => {
    const url = await serve([]);
    const response = await fetch(url, { method: 'POST', headers: { origin: SHOP }, body: '{}' });
    expect(corsHeaders(response)).toEqual({});
    // Not a preflight it answers: the route sees the OPTIONS request.
    expect(await (await preflight(url, SHOP)).json()).toEqual({ data: { method: 'OPTIONS' } });
  });

  it('answers any origin with * when configured so (development)', async () => {
    const url = await serve(['*']);
    expect((await preflight(url, 'http://anything.test:8080')).headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('CORS_ALLOWED_ORIGINS', () => {
  it('takes exact origins, deduplicated, and * outside production', () => {
    expect(loadGatewayConfig({}).corsAllowedOrigins).toEqual([]);
    expect(loadGatewayConfig({ CORS_ALLOWED_ORIGINS: ` ${SHOP}, ${ADMIN},${SHOP}` }).corsAllowedOrigins).toEqual([SHOP, ADMIN]);
    expect(loadGatewayConfig({ CORS_ALLOWED_ORIGINS: '*' }).corsAllowedOrigins).toEqual(['*']);
    for (const bad of ['https://shop.example/', 'https://shop.example/app', 'shop.example', 'ftp://shop.example', 'https://shop.example:443']) {
      expect(parseCorsOrigin(bad)).toBeNull();
    }
    expect(() => loadGatewayConfig({ CORS_ALLOWED_ORIGINS: 'https://shop.example/' })).toThrow(/CORS_ALLOWED_ORIGINS.*https:\/\/shop\.example\//);
  });

  it('refuses * in production', () => {
    const production = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRETS: 'a'.repeat(32) };
    expect(() => loadGatewayConfig({ ...production, CORS_ALLOWED_ORIGINS: `${SHOP},*` })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ ...production, CORS_ALLOWED_ORIGINS: `${SHOP},*` })).toThrow(/CORS_ALLOWED_ORIGINS.*production/);
    expect(loadGatewayConfig({ ...production, CORS_ALLOWED_ORIGINS: SHOP }).corsAllowedOrigins).toEqual([SHOP]);
  });
});
