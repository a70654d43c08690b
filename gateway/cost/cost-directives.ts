import {
  buildASTSchema,
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/** What `@listSize` says about a list field, or about the lists under a connection field. */
export interface ListSize {
  /** The size when no slicing argument says otherwise; null: the estimator's default. */
  assumedSize: number | null;
  /** Arguments whose value is the size (the largest, when several are given), e.g. `first`. */
  slicingArguments: readonly string[];
  /** Fields of the returned object that the size applies to, e.g. a connection's `edges`. */
  sizedFields: readonly string[];
}

/**
 * The supergraph with its cost directives, for the estimator. The directives are read from the
 * supergraph because the API schema Apollo serves (and validates documents against) drops them;
 * their type and field names are the same in both.
 */
export interface CostSchema {
  schema: GraphQLSchema;
  /** `@cost(weight:)` on a field definition. */
  fieldWeight(field: GraphQLField<unknown, unknown>): number | null;
  /** `@cost(weight:)` on an object, scalar or enum type. */
  typeWeight(type: GraphQLNamedType): number | null;
  /** `@cost(weight:)` on an argument definition: added when the argument is given. */
  argumentWeight(argument: GraphQLArgument): number | null;
  listSize(field: GraphQLField<unknown, unknown>): ListSize | null;
}

/** The demand-control spec Federation 2.9 links into the supergraph for `@cost` and `@listSize`. */
const COST_SPEC_URL = /^https:\/\/specs\.apollo\.dev\/cost\/v0\.\d+$/;

/** Reads a composed supergraph's schema and cost directives. Throws on SDL that does not parse. */
export function loadCostSchema(supergraphSdl: string): CostSchema {
  const document = parse(supergraphSdl);
  const schema = buildASTSchema(document, { assumeValidSDL: true });
  const names = costDirectiveNames(document);
  const directive = (nodes: readonly ConstDirectiveNode[] | undefined, name: string | undefined) =>
    name === undefined ? undefined : nodes?.find((node) => node.name.value === name);
  const weightOf = (nodes: readonly ConstDirectiveNode[] | undefined): number | null => {
    const weight = argumentsOf(directive(nodes, names?.cost)).weight;
    return typeof weight === 'number' ? weight : null;
  };
  const typeDirectives = (type: GraphQLNamedType) => [...(type.astNode?.directives ?? []), ...type.extensionASTNodes.flatMap((node) => node.directives ?? [])];

  return {
    schema,
    fieldWeight: (field) => weightOf(field.astNode?.directives),
    typeWeight: (type) => weightOf(typeDirectives(type)),
    argumentWeight: (argument) => weightOf(argument.astNode?.directives),
    listSize(field) {
      const node = directive(field.astNode?.directives, names?.listSize);
      if (!node) return null;
      const { assumedSize, slicingArguments, sizedFields } = argumentsOf(node);
      return {
        assumedSize: typeof assumedSize === 'number' ? assumedSize : null,
        slicingArguments: stringList(slicingArguments),
        sizedFields: stringList(sizedFields),
      };
    },
  };
}

/**
 * The names the supergraph gives `@cost` and `@listSize`, from its `@link` of the cost spec: an
 * imported directive keeps its name (or its `as`); otherwise it is `@<spec>__<name>`, except the
 * spec's namesake `@cost`, which is `@<spec>`. No link: the supergraph uses neither.
 */
export function costDirectiveNames(document: DocumentNode): { cost: string; listSize: string } | null {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const { url, as, import: imports } = argumentsOf(link);
      if (typeof url !== 'string' || !COST_SPEC_URL.test(url)) continue;
      const spec = typeof as === 'string' ? as : 'cost';
      const imported = new Map<string, string>();
      for (const entry of Array.isArray(imports) ? imports : []) {
        if (typeof entry === 'string') imported.set(entry, entry);
        else if (isImportObject(entry)) imported.set(entry.name, typeof entry.as === 'string' ? entry.as : entry.name);
      }
      const nameOf = (directive: string, unimported: string) => (imported.get(`@${directive}`) ?? `@${unimported}`).slice(1);
      return { cost: nameOf('cost', spec), listSize: nameOf('listSize', `${spec}__listSize`) };
    }
  }
  return null;
}

function isImportObject(value: unknown): value is { name: string; as?: unknown } {
  return typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string';
}

function argumentsOf(node: ConstDirectiveNode | undefined): Record<string, unknown> {
  return Object.fromEntries((node?.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value)]));
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
