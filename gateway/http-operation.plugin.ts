import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import { ErrorCodes } from '../platform/errors/codes.ts';

const MAX_ECHOED_NAME = 100;

/**
 * What an HTTP request may run, answered before @apollo/gateway plans it (the gateway would fail
 * on these with a 500): an `operationName` the document does not hold, or none for a document of
 * several operations, is 400 OPERATION_RESOLUTION_FAILURE (what a subgraph answers too); a
 * subscription is 400 SUBSCRIPTION_OVER_HTTP.
 */
export function httpOperationPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  const refuse = (code: string, message: string) => new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (!operation) {
            const name = request.operationName?.slice(0, MAX_ECHOED_NAME);
            throw refuse(
              ErrorCodes.OPERATION_RESOLUTION_FAILURE,
              name
                ? `The document has no operation named "${name}".`
                : 'The document holds several operations; name the one to run in `operationName`.',
            );
          }
          if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
            throw refuse(ErrorCodes.SUBSCRIPTION_OVER_HTTP, 'Subscriptions are not served over HTTP requests.');
          }
        },
      };
    },
  };
}
