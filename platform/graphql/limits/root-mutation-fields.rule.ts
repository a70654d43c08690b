import { GraphQLError, Kind, OperationTypeNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { ErrorCodes } from '../../errors/codes.ts';
import { fragmentsOf, operationsOf } from './selection-walk.ts';

/**
 * The root fields an operation runs, by response key (alias or name), through fragments.
 * Selections under one key merge into one execution, so they count once; `__typename` runs
 * nothing and does not count.
 */
export function rootFieldKeys(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): Set<string> {
  const keys = new Set<string>();
  const spread = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith('__')) keys.add(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(selectionSet);
  return keys;
}

/**
 * Refuses a mutation operation with more than `maxFields` root fields (TOO_MANY_ROOT_FIELDS).
 * Each root mutation may be expensive work (a password hash, a payment), and aliases would let
 * one small request ask for dozens; separate requests go through the per-request limits.
 */
export function maxRootMutationFieldsRule(maxFields: number): ValidationRule {
  return (context: ValidationContext) => ({
    Document: {
      leave(document) {
        const fragments = fragmentsOf(document);
        for (const operation of operationsOf(document)) {
          if (operation.operation !== OperationTypeNode.MUTATION) continue;
          const count = rootFieldKeys(operation.selectionSet, fragments).size;
          if (count <= maxFields) continue;
          const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
          context.reportError(
            new GraphQLError(
              `${name} runs ${count} mutation fields; the limit is ${maxFields} per request, so send them as separate requests.`,
              { nodes: [operation], extensions: { code: ErrorCodes.TOO_MANY_ROOT_FIELDS } },
            ),
          );
        }
      },
    },
  });
}
