import { GraphQLError, type ASTNode } from 'graphql';
import type { ErrorCodes } from '../../errors/codes.ts';

export type QueryLimitCode = typeof ErrorCodes.QUERY_TOO_DEEP | typeof ErrorCodes.TOO_MANY_ALIASES;

/**
 * A document refused for its shape. Apollo Server wraps validation errors under its own
 * GRAPHQL_VALIDATION_FAILED code; formatQueryLimitError (query-limits.ts) restores this error's code.
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
