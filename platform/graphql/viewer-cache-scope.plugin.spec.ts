import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import type { Viewer } from '../auth/viewer.ts';
import { createLogger } from '../logging/logger.ts';
import type { BaseRequestContext } from './request-context.ts';
import { viewerCacheScopePlugin } from './viewer-cache-scope.plugin.ts';

const typeDefs = `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Query {
    listing: [Item!]! @cacheControl(maxAge: 60)
    mine: String @cacheControl(scope: PRIVATE)
  }
  type Item @cacheControl(inheritMaxAge: true) { name: String! }
`;
const resolvers = { Query: { listing: () => [{ name: 'lamp' }], mine: () => 'me' } };
const logger = createLogger({ service: 'spec', level: 'silent', pretty: false });

async function cacheControlFor(query: string, viewer: Viewer | null): Promise<string | undefined> {
  const server = new ApolloServer<BaseRequestContext>({ typeDefs, resolvers, plugins: [viewerCacheScopePlugin()] });
  await server.start();
  try {
    const context: BaseRequestContext = { requestId: 'r', logger, viewer, accessToken: viewer ? 'token' : null, clientIp: '127.0.0.1' };
    const response = await server.executeOperation({ query }, { contextValue: context });
    return response.http.headers.get('cache-control');
  } finally {
    await server.stop();
  }
}

describe('cache hints narrowed by the caller', () => {
  it('lets an anonymous answer stand as the hints say', async () => {
    expect(await cacheControlFor('{ listing { name } }', null)).toBe('max-age=60, public');
  });

  it('keeps a customer answer out of shared caches', async () => {
    expect(await cacheControlFor('{ listing { name } }', { userId: 'u', role: 'CUSTOMER', vendorId: null })).toBe('max-age=60, private');
  });

  it('stores nothing a vendor or an admin reads: they may see more than shoppers', async () => {
    expect(await cacheControlFor('{ listing { name } }', { userId: 'u', role: 'VENDOR', vendorId: 'v' })).toBe('no-store');
    expect(await cacheControlFor('{ listing { name } }', { userId: 'u', role: 'ADMIN', vendorId: null })).toBe('no-store');
  });

  it('never makes an uncacheable answer cacheable', async () => {
    expect(await cacheControlFor('{ mine }', null)).toBe('no-store');
    expect(await cacheControlFor('{ mine listing { name } }', { userId: 'u', role: 'CUSTOMER', vendorId: null })).toBe('no-store');
  });
});
