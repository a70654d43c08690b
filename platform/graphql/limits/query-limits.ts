import type { GraphQLFormattedError, ValidationRule } from 'graphql';
import { maxAliasesRule } from './alias-count.rule.ts';
import { maxDepthRule } from './query-depth.rule.ts';
import { maxRootMutationFieldsRule } from './root-mutation-fields.rule.ts';

/**
 * The shape limits every GraphQL server of the platform applies before it plans or executes
 * anything: the gateway for its clients, each subgraph for whatever reaches it.
 */
export function queryLimitRules(
  limits: { maxQueryDepth: number; maxAliases: number; maxRootMutationFields?: number },
  options: { introspectionMaxDepth?: number } = {},
): ValidationRule[] {
  const rules = [maxDepthRule(limits.maxQueryDepth, options), maxAliasesRule(limits.maxAliases)];
  return limits.maxRootMutationFields === undefined ? rules : [...rules, maxRootMutationFieldsRule(limits.maxRootMutationFields)];
}

/** Apollo Server's code for every error a validation rule reports. */
const GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED';

/**
 * A limit error as the client sees it: Apollo Server files every validation error under
 * GRAPHQL_VALIDATION_FAILED, so the code our own rule gave it (QUERY_TOO_DEEP, TOO_MANY_ALIASES,
 * TOO_MANY_ROOT_FIELDS) is put back. Read from the wrapped error's extensions, not by class:
 * Apollo may hold graphql's CommonJS build while the rules use the ESM one. graphql-js' own rules
 * set no code, so their errors (and every other error) give null.
 */
export function formatQueryLimitError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | null {
  if (formatted.extensions?.code !== GRAPHQL_VALIDATION_FAILED) return null;
  const original: unknown = typeof error === 'object' && error !== null && 'originalError' in error ? error.originalError : null;
  const extensions: unknown = typeof original === 'object' && original !== null && 'extensions' in original ? original.extensions : null;
  const code: unknown = typeof extensions === 'object' && extensions !== null && 'code' in extensions ? extensions.code : null;
  if (typeof code !== 'string') return null;
  return { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: { code } };
}
