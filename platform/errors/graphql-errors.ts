import { GraphQLError } from 'graphql';
import { ErrorCodes, type ErrorCode } from './codes.ts';
import type { Result } from './result.ts';

/** Access and unexpected failures: thrown, with a stable `extensions.code` and an HTTP status hint. */
export function graphQLError(code: ErrorCode, message: string, httpStatus?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
  });
}

/**
 * For a field that needs a signed-in caller. No HTTP status: one refused field must not turn a
 * partial result into an HTTP failure. A refused token (the whole request) uses `invalidToken`.
 */
export const unauthenticated = (message = 'You must be signed in to do this.') => graphQLError(ErrorCodes.UNAUTHENTICATED, message);

/** The request's own token is bad: nothing runs, and the answer is HTTP 401. */
export const invalidToken = (message: string) => graphQLError(ErrorCodes.UNAUTHENTICATED, message, 401);

export const forbidden = (message = 'You are not allowed to do this.') => graphQLError(ErrorCodes.FORBIDDEN, message);

export const badUserInput = (message: string) => graphQLError(ErrorCodes.BAD_USER_INPUT, message);

export const notFound = (message: string) => graphQLError(ErrorCodes.NOT_FOUND, message);

/**
 * The value of a Result whose failure is not a userError of a payload: an access refusal
 * (UNAUTHENTICATED, FORBIDDEN) or a bad query argument (BAD_USER_INPUT). Its first error is thrown
 * as a GraphQL error with the same code and message.
 */
export function valueOrThrow<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  const [first] = result.errors;
  throw new GraphQLError(first?.message ?? 'The request failed.', { extensions: { code: first?.code ?? ErrorCodes.INTERNAL_SERVER_ERROR } });
}
