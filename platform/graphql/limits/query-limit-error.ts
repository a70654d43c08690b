import { GraphQLError, type ASTNode } from 'graphql';
import type { ErrorCodes } from '../../errors/codes.ts';

export type QueryLimitCode = typeof ErrorCodes.QUERY_TOO_DEEP | typeof ErrorCodes.TOO_MANY_ALIASES;

/**
 * A document refused for its shape. Apollo Server wraps validation errors under its own
 * GRAPHQL_VALIDATION_FAILED code; the gateway's error formatter restores this error's code.
 */
export class QueryLimitError extends GraphQLError {
  constructor(
    readonly limitCode: QueryLimitCode,
    message: string,
    node: ASTNode | undefined,
  ) {
    super(message, { nodes: node ? [node] : [], extensions: { code: limitCode } });
    this.name = 'QueryLimitError';
  }
}

/**
 * The limit error behind an error Apollo Server wrapped, if there is one. No `instanceof
 * GraphQLError` here: Apollo may hold graphql's CommonJS build while this file got the ESM one.
 */
export function queryLimitErrorIn(error: unknown): QueryLimitError | null {
  if (error instanceof QueryLimitError) return error;
  const original = typeof error === 'object' && error !== null && 'originalError' in error ? error.originalError : null;
  return original instanceof QueryLimitError ? original : null;
}
