import { Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type ValidationContext, type ValidationRule } from 'graphql';
import { ErrorCodes } from '../../errors/codes.ts';
import { QueryLimitError } from './query-limit-error.ts';
import { fragmentsOf, measureSelections, operationsOf } from './selection-walk.ts';

/** How many fields deep an operation goes: `{ a }` is 1, `{ a { b } }` is 2; fragments count where they are spread. */
export function operationDepth(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): number {
  return measureSelections(operation.selectionSet, fragments, {
    field: (_aliased, children) => 1 + children,
    combine: (values) => (values.length === 0 ? 0 : Math.max(...values)),
  });
}

/** An operation that asks only about the schema (`__schema`, `__type`, `__typename` at its root). */
export function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'),
  );
}

/** The standard introspection queries (graphql-js, Apollo Sandbox) nest `ofType` to depth 15. */
export const INTROSPECTION_MAX_DEPTH = 20;

/**
 * Refuses operations nested deeper than `maxDepth` fields, before any planning or subgraph
 * call. Introspection fields count like any others; only where introspection is allowed does a
 * purely introspective operation get `introspectionMaxDepth`, or schema tools could not load.
 */
export function maxDepthRule(maxDepth: number, options: { introspectionMaxDepth?: number } = {}): ValidationRule {
  const introspectionMaxDepth = Math.max(maxDepth, options.introspectionMaxDepth ?? maxDepth);
  return (context: ValidationContext) => ({
    Document: {
      leave(document) {
        const fragments = fragmentsOf(document);
        for (const operation of operationsOf(document)) {
          const depth = operationDepth(operation, fragments);
          const limit = isIntrospectionOnly(operation) ? introspectionMaxDepth : maxDepth;
          if (depth > limit) {
            const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
            context.reportError(
              new QueryLimitError(
                ErrorCodes.QUERY_TOO_DEEP,
                `${name} is nested ${depth} levels deep; the limit is ${limit}.`,
                operation,
              ),
            );
          }
        }
      },
    },
  });
}
