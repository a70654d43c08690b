import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from '../../platform/graphql/limits/selection-walk.ts';
import type { CostSchema, ListSize } from './cost-directives.ts';

/** What an operation costs before its fields, by type: a mutation changes state, so it starts higher (as in Apollo Router). */
export const OPERATION_BASE_COST: Record<OperationTypeNode, number> = {
  [OperationTypeNode.QUERY]: 0,
  [OperationTypeNode.MUTATION]: 10,
  [OperationTypeNode.SUBSCRIPTION]: 0,
};

export interface EstimateOptions {
  /** The size of a list whose `@listSize` (if any) gives none. */
  defaultListSize: number;
}

/** The lists under a connection field and the size its slicing argument gave them. */
interface SizedFields {
  fields: readonly string[];
  size: number;
}

/**
 * Estimates an operation's cost before anything runs, by the demand-control rules of the IBM
 * cost spec as Apollo Router and Hive Router apply them: a field of an object type costs 1 and a
 * scalar or enum 0, unless `@cost` on the field (or else its type) says otherwise; an argument
 * with `@cost` adds its weight when given; a list multiplies the cost of one item by its size,
 * which is the value of its `@listSize` slicing argument (variables applied; the argument's
 * default when absent), else the `assumedSize`, else `defaultListSize`. A connection's slicing
 * argument sizes its `sizedFields` (its `edges`). Fragments count where they are spread, fields
 * under a `@skip`/`@include` that excludes them count nothing, and introspection fields count
 * nothing (the gateway answers them from its own schema).
 *
 * `variables` are the request's, as sent. The document must be valid against the schema's API.
 */
export function estimateCost(
  costSchema: CostSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  options: EstimateOptions,
): number {
  const { schema } = costSchema;
  const fragments = fragmentsOf(document);
  const values = variableValues(operation, variables);
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();

  const selectionsCost = (set: SelectionSetNode, parent: GraphQLCompositeType, sized: SizedFields | null): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (excluded(selection.directives, values)) continue;
      switch (selection.kind) {
        case Kind.FIELD:
          total += fieldCost(selection, parent, sized);
          break;
        case Kind.INLINE_FRAGMENT:
          total += selectionsCost(selection.selectionSet, compositeNamed(selection.typeCondition?.name.value) ?? parent, sized);
          break;
        case Kind.FRAGMENT_SPREAD:
          total += spreadCost(selection.name.value, sized);
          break;
      }
    }
    return total;
  };

  // A fragment costs the same wherever it is spread under the same sizing, so it is measured once.
  const spreadCost = (name: string, sized: SizedFields | null): number => {
    const key = sized ? `${name}\n${sized.fields.join(',')}\n${sized.size}` : name;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = compositeNamed(fragment?.typeCondition.name.value);
    // A cycle is refused by validation before this runs; here it only must not loop.
    if (!fragment || !type || inProgress.has(key)) return 0;
    inProgress.add(key);
    const cost = selectionsCost(fragment.selectionSet, type, sized);
    inProgress.delete(key);
    fragmentCosts.set(key, cost);
    return cost;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType, sized: SizedFields | null): number => {
    const name = node.name.value;
    if (name.startsWith('__')) return 0;
    const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!field) return 0;
    const type = getNamedType(field.type);
    const weight = costSchema.fieldWeight(field) ?? costSchema.typeWeight(type) ?? (isCompositeType(type) ? 1 : 0);
    const argumentsCost = (node.arguments ?? []).reduce((sum, given) => {
      const argument = field.args.find((candidate) => candidate.name === given.name.value);
      return sum + (argument ? (costSchema.argumentWeight(argument) ?? 0) : 0);
    }, 0);
    const listSize = costSchema.listSize(field);
    const sliced = listSize ? slicedSize(listSize, node, field, values) : null;
    const declaredSize = sliced ?? listSize?.assumedSize ?? options.defaultListSize;
    const childSizing = listSize && listSize.sizedFields.length > 0 ? { fields: listSize.sizedFields, size: declaredSize } : null;
    const children = node.selectionSet && isCompositeType(type) ? selectionsCost(node.selectionSet, type, childSizing) : 0;
    const size = sized?.fields.includes(name) ? sized.size : declaredSize;
    return argumentsCost + (weight + children) * size ** listDepth(field.type);
  };

  const compositeNamed = (name: string | undefined): GraphQLCompositeType | null => {
    const type = name === undefined ? undefined : schema.getType(name);
    return type && isCompositeType(type) ? type : null;
  };

  const root = schema.getRootType(operation.operation);
  if (!root) return OPERATION_BASE_COST[operation.operation];
  return OPERATION_BASE_COST[operation.operation] + selectionsCost(operation.selectionSet, root, null);
}

/** The operation's variables as sent, with the operation's own defaults for those not sent. */
function variableValues(operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(variables, name)) values[name] = variables[name];
    else if (definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return values;
}

/** The largest slicing argument given (a null counts as absent, so the argument's default applies), or null. */
function slicedSize(listSize: ListSize, node: FieldNode, field: GraphQLField<unknown, unknown>, values: Record<string, unknown>): number | null {
  let size: number | null = null;
  for (const name of listSize.slicingArguments) {
    const given = node.arguments?.find((argument) => argument.name.value === name);
    let value = given ? valueFromASTUntyped(given.value, values) : undefined;
    if (value === undefined || value === null) value = field.args.find((argument) => argument.name === name)?.defaultValue;
    if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, Math.max(0, Math.ceil(value)));
  }
  return size;
}

/** How many list types wrap the field's type: `[[T]]` is sized twice. */
function listDepth(type: GraphQLType): number {
  if (isNonNullType(type)) return listDepth(type.ofType);
  return isListType(type) ? 1 + listDepth(type.ofType) : 0;
}

/** `@skip(if: true)` or `@include(if: false)`, literally or through a variable; an unknown condition counts. */
function excluded(directives: readonly DirectiveNode[] | undefined, values: Record<string, unknown>): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if');
    const value = condition ? valueFromASTUntyped(condition.value, values) : undefined;
    if ((name === 'skip' && value === true) || (name === 'include' && value === false)) return true;
  }
  return false;
}
