import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { OperationTypeNode } from 'graphql';

/**
 * Request headers an answer depends on. `Accept` picks the media type; `Authorization` picks the
 * viewer: a `public` answer is the same for every shopper, but a vendor or admin may see more (the
 * subgraphs never let theirs be stored), so a cache must not hand one caller's answer to another.
 * Anonymous requests, the ones a CDN serves most, all share one entry. `X-Api-Key` picks the
 * partner, whose safelist decides whether the request runs at all.
 */
export const VARY_HEADERS = ['Accept', 'Authorization', 'X-Api-Key'] as const;

/**
 * The HTTP caching half of the edge. Apollo Server's cache-control plugin (on by default) already
 * turns the combined hint into `Cache-Control`: each subgraph answers with the hint of the fields
 * it resolved (`@cacheControl` in its SDL), the data source narrows the request's policy with it
 * (`honorSubgraphCacheControlHeader`), and the answer is `max-age=N, public`, `max-age=N, private`,
 * or `no-store` when any part had no hint, and whenever there are errors. This adds what it does
 * not: `Vary`, and `no-store` on every mutation whatever its fields say (a change is never replayed
 * from a cache).
 */
export function httpCachingPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation }) {
          const headers = response.http.headers;
          const vary = new Set((headers.get('vary') ?? '').split(',').map((name) => name.trim()).filter(Boolean));
          for (const name of VARY_HEADERS) vary.add(name);
          headers.set('vary', [...vary].join(', '));
          if (operation?.operation === OperationTypeNode.MUTATION) headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
