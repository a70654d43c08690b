import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** The document's fragments by name; validation rules follow spreads through this. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

export function operationsOf(document: DocumentNode): OperationDefinitionNode[] {
  return document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
}

/**
 * Folds over a selection set with fragments expanded in place, memoising per fragment so a
 * fragment used many times is measured once. A fragment cycle (reported by graphql-js' own
 * NoFragmentCycles rule, which runs alongside) contributes nothing here instead of looping.
 */
export function measureSelections(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  measure: {
    /** Value of one field, given the combined value of its sub-selections (0 for a leaf). */
    field: (aliased: boolean, children: number) => number;
    /** Combines the values of sibling selections. */
    combine: (values: number[]) => number;
  },
): number {
  const memo = new Map<string, number>();
  const inProgress = new Set<string>();
  const walk = (set: SelectionSetNode): number =>
    measure.combine(
      set.selections.map((selection) => {
        switch (selection.kind) {
          case Kind.FIELD:
            return measure.field(
              selection.alias !== undefined,
              selection.selectionSet ? walk(selection.selectionSet) : 0,
            );
          case Kind.INLINE_FRAGMENT:
            return walk(selection.selectionSet);
          case Kind.FRAGMENT_SPREAD: {
            const name = selection.name.value;
            const cached = memo.get(name);
            if (cached !== undefined) return cached;
            const fragment = fragments.get(name);
            if (!fragment || inProgress.has(name)) return 0;
            inProgress.add(name);
            const value = walk(fragment.selectionSet);
            inProgress.delete(name);
            memo.set(name, value);
            return value;
          }
        }
      }),
    );
  return walk(selectionSet);
}
