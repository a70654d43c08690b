import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCodes } from '../platform/errors/codes.ts';
import type { Logger } from '../platform/logging/logger.ts';

/**
 * @apollo/gateway reports a null it finds in a non-null field while merging subgraph results (an
 * entity another subgraph could not resolve, say) only as `extensions.valueCompletion`, so a client
 * can get `data: null` with no `errors` at all. GraphQL requires an error wherever data was
 * nulled, so each one becomes an INTERNAL_SERVER_ERROR at its path (the cause is data that
 * disagrees between subgraphs, nothing the client did), and the details are logged.
 */
export function valueCompletionErrorsPlugin<TContext extends BaseContext>(logger: Logger): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const completion = result.extensions?.valueCompletion;
          if (!Array.isArray(completion) || completion.length === 0) return;
          logger.warn({ valueCompletion: completion }, 'subgraph results could not complete the response');
          const { valueCompletion: _valueCompletion, ...extensions } = result.extensions ?? {};
          result.extensions = Object.keys(extensions).length > 0 ? extensions : undefined;
          const errors: GraphQLFormattedError[] = completion.map((entry: unknown) => {
            const path = (entry as { path?: unknown }).path;
            return {
              message: 'Part of the result could not be completed; the error has been logged.',
              ...(Array.isArray(path) ? { path: path as (string | number)[] } : {}),
              extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR },
            };
          });
          result.errors = [...(result.errors ?? []), ...errors];
        },
      };
    },
  };
}
