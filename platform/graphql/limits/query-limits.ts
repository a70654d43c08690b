import type { GraphQLFormattedError, ValidationRule } from 'graphql';
import { maxAliasesRule } from './alias-count.rule.ts';
import { queryLimitErrorIn } from './query-limit-error.ts';
import { maxDepthRule } from './query-depth.rule.ts';

/**
 * The shape limits every GraphQL server of the platform applies before it plans or executes
 * anything: the gateway for its clients, each subgraph for whatever reaches it.
 */
export function queryLimitRules(
  limits: { maxQueryDepth: number; maxAliases: number },
  options: { introspectionMaxDepth?: number } = {},
): ValidationRule[] {
  return [maxDepthRule(limits.maxQueryDepth, options), maxAliasesRule(limits.maxAliases)];
}

/**
 * A limit error as the client sees it: Apollo Server files every validation error under
 * GRAPHQL_VALIDATION_FAILED, so its own code (QUERY_TOO_DEEP, TOO_MANY_ALIASES) is put back.
 * Null for every other error.
 */
export function formatQueryLimitError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | null {
  const limit = queryLimitErrorIn(error);
  if (!limit) return null;
  return { message: limit.message, ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: { code: limit.limitCode } };
}
