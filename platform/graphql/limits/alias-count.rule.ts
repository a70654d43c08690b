import type { FragmentDefinitionNode, OperationDefinitionNode, ValidationContext, ValidationRule } from 'graphql';
import { ErrorCodes } from '../../errors/codes.ts';
import { QueryLimitError } from './query-limit-error.ts';
import { fragmentsOf, measureSelections, operationsOf } from './selection-walk.ts';

/** Aliased fields in an operation, counting a fragment's aliases once per spread. */
export function operationAliases(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): number {
  return measureSelections(operation.selectionSet, fragments, {
    field: (aliased, children) => (aliased ? 1 : 0) + children,
    combine: (values) => values.reduce((sum, value) => sum + value, 0),
  });
}

/**
 * Refuses operations with more than `maxAliases` aliased fields. Aliases let one small document
 * ask for the same expensive field hundreds of times, so fragments count once per spread.
 */
export function maxAliasesRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext) => ({
    Document: {
      leave(document) {
        const fragments = fragmentsOf(document);
        for (const operation of operationsOf(document)) {
          const aliases = operationAliases(operation, fragments);
          if (aliases > maxAliases) {
            const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
            context.reportError(
              new QueryLimitError(ErrorCodes.TOO_MANY_ALIASES, `${name} uses ${aliases} aliases; the limit is ${maxAliases}.`, operation),
            );
          }
        }
      },
    },
  });
}
