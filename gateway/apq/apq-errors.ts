import type { GraphQLFormattedError } from 'graphql';
import { ErrorCodes } from '../../platform/errors/codes.ts';

/** Apollo Server's words for an APQ hash that does not match its document; it gives the error no code. */
const HASH_MISMATCH_MESSAGE = 'provided sha does not match query';

/**
 * Apollo Server refuses a persisted query whose hash does not match the document with an error
 * that has no code of its own (Apollo fills in INTERNAL_SERVER_ERROR), which the gateway would
 * mask as an internal error. The client sent something
 * wrong and must learn what: it gets the code Apollo Router uses. Null for any other error.
 * (test/e2e/persisted-queries.test.ts pins the message, so an Apollo upgrade that changes it fails there.)
 */
export function persistedQueryError(formatted: GraphQLFormattedError): GraphQLFormattedError | null {
  const code = formatted.extensions?.code;
  if ((code !== undefined && code !== ErrorCodes.INTERNAL_SERVER_ERROR) || formatted.message !== HASH_MISMATCH_MESSAGE) return null;
  return {
    message: 'The persisted query hash is not the SHA-256 of the document sent with it.',
    extensions: { code: ErrorCodes.PERSISTED_QUERY_HASH_MISMATCH },
  };
}
