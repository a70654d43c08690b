import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { httpCachingPlugin } from './http-caching.plugin.ts';

// A mutation field with a (wrong) public hint: the plugin must still answer no-store.
const typeDefs = `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Query { listing: String @cacheControl(maxAge: 60) }
  type Mutation { touch: String @cacheControl(maxAge: 60) }
`;
const resolvers = { Query: { listing: () => 'lamp' }, Mutation: { touch: () => 'done' } };

async function headersFor(query: string): Promise<{ cacheControl: string | undefined; vary: string | undefined }> {
  const server = new ApolloServer({ typeDefs, resolvers, plugins: [httpCachingPlugin()] });
  await server.start();
  try {
    const response = await server.executeOperation({ query });
    return { cacheControl: response.http.headers.get('cache-control'), vary: response.http.headers.get('vary') };
  } finally {
    await server.stop();
  }
}

describe('the gateway answer\'s caching headers', () => {
  it('keeps the combined hint and adds Vary: Accept, Authorization, X-Api-Key', async () => {
    expect(await headersFor('{ listing }')).toEqual({ cacheControl: 'max-age=60, public', vary: 'Accept, Authorization, X-Api-Key' });
  });

  it('answers every mutation with no-store, whatever its fields say', async () => {
    expect(await headersFor('mutation { touch }')).toEqual({ cacheControl: 'no-store', vary: 'Accept, Authorization, X-Api-Key' });
  });
});
