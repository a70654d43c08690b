import type { GraphQLFormattedError } from 'graphql';
import { ErrorCodes } from '../platform/errors/codes.ts';
import { maskUnexpectedErrors, type ErrorMaskingOptions } from '../platform/graphql/error-masking.ts';
import type { Logger } from '../platform/logging/logger.ts';

/** What @apollo/gateway calls a subgraph error that came without a code: unexpected by definition. */
const DOWNSTREAM_SERVICE_ERROR = 'DOWNSTREAM_SERVICE_ERROR';
/** Apollo Server's code for every error a validation rule reports. */
const GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED';

/**
 * The code one of our own validation rules gave its error (QUERY_TOO_DEEP, TOO_MANY_ALIASES,
 * TOO_MANY_ROOT_FIELDS), which Apollo Server replaced with GRAPHQL_VALIDATION_FAILED. Read from
 * the wrapped error's extensions, not by class: Apollo may hold graphql's CommonJS build while
 * the rules use the ESM one. graphql-js' own rules set no code.
 */
function validationRuleCode(formatted: GraphQLFormattedError, error: unknown): string | null {
  if (formatted.extensions?.code !== GRAPHQL_VALIDATION_FAILED) return null;
  const original: unknown = typeof error === 'object' && error !== null && 'originalError' in error ? error.originalError : null;
  const extensions: unknown = typeof original === 'object' && original !== null && 'extensions' in original ? original.extensions : null;
  const code: unknown = typeof extensions === 'object' && extensions !== null && 'code' in extensions ? extensions.code : null;
  return typeof code === 'string' ? code : null;
}

/**
 * The platform's masking plus what only the gateway knows: limit errors get their own code back,
 * uncoded subgraph errors are treated as unexpected, and the name of the subgraph an error came
 * from stays inside. `suggestions` keeps "Did you mean …?" hints (development only).
 */
export function gatewayErrorFormatter(logger: Logger, options: ErrorMaskingOptions = {}) {
  const mask = maskUnexpectedErrors(logger, options);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const ruleCode = validationRuleCode(formatted, error);
    if (ruleCode) {
      return {
        message: formatted.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: ruleCode },
      };
    }
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
