import type { GraphQLFormattedError } from 'graphql';
import { ErrorCodes } from '../errors/codes.ts';
import type { Logger } from '../logging/logger.ts';

export interface ErrorMaskingOptions {
  /**
   * Keep graphql-js' "Did you mean …?" hints (field, argument, enum and input names near what
   * the client sent). Off by default: they map the schema for anyone, so only a development
   * gateway turns them on.
   */
  suggestions?: boolean;
}

// graphql-js ends a message with its hint: ` Did you mean "NEWEST"?`, ` Did you mean "a", "b", or "c"?`.
const SUGGESTION = /\s*Did you mean\b[\s\S]*$/;

/** A message without graphql-js' "Did you mean …?" hint. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

/**
 * Clients see stable codes and our own messages; an unexpected error's message, stack or SQL
 * never leaves the process (it is logged instead), and neither do schema hints unless asked for.
 */
export function maskUnexpectedErrors(logger: Logger, options: ErrorMaskingOptions = {}) {
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
    const message = options.suggestions ? formatted.message : withoutSuggestions(formatted.message);
    return { ...formatted, message, extensions };
  };
}
