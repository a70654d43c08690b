import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { ErrorCodes } from '../../platform/errors/codes.ts';
import { graphQLError } from '../../platform/errors/graphql-errors.ts';
import type { GatewayContext } from '../context.ts';
import type { PartnerStore } from './partner-store.ts';

export interface SafelistOptions {
  /** Where partner manifests are read (the Redis mirror, through a short cache). */
  partners: PartnerStore;
  /** FIRST_PARTY_MANIFEST_PATH's operations (id → body): when set, every other caller is held to it too. */
  firstParty: ReadonlyMap<string, string> | null;
}

/**
 * What runs in place of a refused request: valid everywhere, touching no subgraph, so the
 * pipeline reaches `didResolveOperation`, where the refusal is thrown with its own code and HTTP
 * status. (An error thrown in `requestDidStart` would be a masked 500; this hook is the earliest
 * that answers with the error's own status.)
 */
const REFUSED_PLACEHOLDER = '{ __typename }';

/**
 * Persisted-query safelists, in `requestDidStart` so they run before Apollo's APQ lookup: a
 * partner (its caller names its app) may run only the operations of its manifest, by id
 * (`extensions.persistedQuery.sha256Hash`); with FIRST_PARTY_MANIFEST_PATH set, so may every other
 * caller, within that manifest. A listed id runs the listed body (a query sent along must be that
 * body). Codes and statuses are Apollo Router's: no id → PERSISTED_QUERY_ID_REQUIRED (400); an id
 * not listed, or a different query → PERSISTED_QUERY_NOT_IN_LIST (403). Not Apollo's
 * PERSISTED_QUERY_NOT_FOUND: that tells an APQ client to resend the query, which would only be
 * refused again.
 */
export function safelistPlugin(options: SafelistOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const appId = contextValue.caller.partnerAppId;
      if (appId === null && options.firstParty === null) return;
      const lookup = appId !== null ? (id: string) => options.partners.operationBody(appId, id) : (id: string) => Promise.resolve(options.firstParty?.get(id) ?? null);
      const refusal = await admit(request, lookup);
      if (!refusal) return;
      contextValue.logger.info({ code: refusal.extensions.code, partnerAppId: appId }, 'operation refused by the safelist');
      request.query = REFUSED_PLACEHOLDER;
      request.operationName = undefined;
      request.variables = {};
      return {
        async didResolveOperation() {
          throw refusal;
        },
      };
    },
  };
}

/** Puts the listed body in the request and answers null, or answers why it is refused. */
async function admit(request: GraphQLRequest, lookup: (id: string) => Promise<string | null>): Promise<GraphQLError | null> {
  const persisted = request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  const id = persisted?.sha256Hash;
  // Dropped in every case: the request runs a listed body or nothing, and a partner's operations
  // must not fill (or be served from) the shared APQ cache.
  if (request.extensions) delete request.extensions.persistedQuery;
  if (typeof id !== 'string' || id === '') {
    return graphQLError(ErrorCodes.PERSISTED_QUERY_ID_REQUIRED, 'Send operations by persisted-query id (extensions.persistedQuery.sha256Hash) from your manifest.', 400);
  }
  let body: string | null;
  try {
    body = await lookup(id);
  } catch {
    return graphQLError(ErrorCodes.PARTNER_CHECK_UNAVAILABLE, 'Your manifest cannot be read right now; retry in a few seconds.', 503);
  }
  if (body === null) return graphQLError(ErrorCodes.PERSISTED_QUERY_NOT_IN_LIST, 'This persisted-query id is not in your manifest.', 403);
  if (request.query !== undefined && request.query !== body) {
    return graphQLError(ErrorCodes.PERSISTED_QUERY_NOT_IN_LIST, 'The query sent is not the one your manifest lists under this id; send the id alone.', 403);
  }
  request.query = body;
  return null;
}
