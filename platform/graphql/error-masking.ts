import type { GraphQLFormattedError } from 'graphql';
import { ErrorCodes } from '../errors/codes.ts';
import type { Logger } from '../logging/logger.ts';

/**
 * Clients see stable codes and our own messages; an unexpected error's message, stack or SQL
 * never leaves the process (it is logged instead).
 */
export function maskUnexpectedErrors(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code === undefined || code === ErrorCodes.INTERNAL_SERVER_ERROR) {
      logger.error({ err: error, path: formatted.path }, 'unexpected error while resolving');
      return {
        message: 'Something went wrong on our side; the error has been logged.',
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR },
      };
    }
    const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  };
}
