import type { GraphQLFormattedError } from 'graphql';
import { ErrorCodes } from '../platform/errors/codes.ts';
import { maskUnexpectedErrors, type ErrorMaskingOptions } from '../platform/graphql/error-masking.ts';
import type { Logger } from '../platform/logging/logger.ts';
import { formatQueryLimitError } from '../platform/graphql/limits/query-limits.ts';
import { persistedQueryError } from './apq/apq-errors.ts';

/** What @apollo/gateway calls a subgraph error that came without a code: unexpected by definition. */
const DOWNSTREAM_SERVICE_ERROR = 'DOWNSTREAM_SERVICE_ERROR';

/**
 * The platform's masking plus what only the gateway knows: limit errors get their own code back,
 * uncoded subgraph errors are treated as unexpected, and the name of the subgraph an error came
 * from stays inside. `suggestions` keeps "Did you mean …?" hints (development only).
 */
export function gatewayErrorFormatter(logger: Logger, options: ErrorMaskingOptions = {}) {
  const mask = maskUnexpectedErrors(logger, options);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const limit = formatQueryLimitError(formatted, error);
    if (limit) return limit;
    const persisted = persistedQueryError(formatted);
    if (persisted) return persisted;
    const code = formatted.extensions?.code;
    const input =
      code === DOWNSTREAM_SERVICE_ERROR
        ? { ...formatted, extensions: { ...formatted.extensions, code: ErrorCodes.INTERNAL_SERVER_ERROR } }
        : formatted;
    const masked = mask(input, error);
    if (!masked.extensions || !('serviceName' in masked.extensions)) return masked;
    const { serviceName: _serviceName, ...extensions } = masked.extensions;
    return { ...masked, extensions };
  };
}
