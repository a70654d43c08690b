import type { ApolloServerPlugin } from '@apollo/server';
import type { BaseRequestContext } from './request-context.ts';

/**
 * A `PUBLIC` cache hint in the SDL describes what an anonymous caller sees; a signed-in caller may
 * see more (a vendor its drafts, an owner its store's application, an admin everything). So the
 * hints only stand as written for anonymous requests, whose answers are the same for everyone and
 * which a CDN may share. A customer's answer is at most `private` (its own app or browser may keep
 * it); a vendor's or an admin's is never stored: they see what they are changing.
 *
 * The narrowing runs when execution has ended: narrowing the policy before would make Apollo's
 * cache-control plugin skip computing the field hints altogether.
 */
export function viewerCacheScopePlugin<TContext extends BaseRequestContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ contextValue, overallCachePolicy }) {
          return {
            async executionDidEnd() {
              const viewer = contextValue.viewer;
              if (!viewer) return;
              overallCachePolicy.restrict(viewer.role === 'CUSTOMER' ? { scope: 'PRIVATE' } : { maxAge: 0 });
            },
          };
        },
      };
    },
  };
}
