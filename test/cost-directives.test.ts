import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  isObjectType,
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type TypeNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadCostSchema } from '../gateway/cost/cost-directives.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../platform/pagination/connection.ts';
import { composeSubgraphs } from '../scripts/compose.ts';
import { FACET_LIMIT } from '../subgraphs/catalog/application/catalog-query.service.ts';
import { MAX_CATEGORY_DEPTH } from '../subgraphs/catalog/domain/category.ts';
import { LIMITS } from '../subgraphs/catalog/domain/product.validation.ts';
import { MAX_ADDRESSES_PER_USER } from '../subgraphs/users/domain/address.ts';
import { MAX_CART_LINES } from '../subgraphs/cart/domain/cart.ts';
import { SUBGRAPHS, type SubgraphName } from '../subgraphs/registry.ts';

/**
 * The query-cost estimate is only as good as the SDL's @cost and @listSize: every list of objects
 * says how long it can be, the bounds written there are the domain's own, mutations weigh more,
 * and composition carries all of it into the supergraph the gateway estimates from.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const sdlOf = (name: SubgraphName): DocumentNode => parse(readFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8'));

interface FieldInfo {
  type: string;
  field: FieldDefinitionNode;
  /** Whether the field's items are objects (a list of scalars or enums costs nothing, whatever its length). */
  objectItems: boolean;
}

function objectTypes(document: DocumentNode): (ObjectTypeDefinitionNode | ObjectTypeExtensionNode)[] {
  return document.definitions.filter(
    (definition): definition is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION,
  );
}

function fieldsOf(document: DocumentNode): FieldInfo[] {
  const objects = new Set(objectTypes(document).map((type) => type.name.value));
  return objectTypes(document).flatMap((type) =>
    (type.fields ?? []).map((field) => ({ type: type.name.value, field, objectItems: objects.has(namedType(field.type)) })),
  );
}

const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));
const isList = (type: TypeNode): boolean => type.kind === Kind.LIST_TYPE || (type.kind === Kind.NON_NULL_TYPE && isList(type.type));

function directiveArgs(field: FieldDefinitionNode, name: string): Record<string, unknown> | null {
  const directive: ConstDirectiveNode | undefined = field.directives?.find((node) => node.name.value === name);
  return directive ? Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)])) : null;
}

function field(document: DocumentNode, type: string, name: string): FieldDefinitionNode {
  const found = fieldsOf(document).find((info) => info.type === type && info.field.name.value === name)?.field;
  if (!found) throw new Error(`${type}.${name} is not in the SDL`);
  return found;
}

const catalog = sdlOf('catalog');
const users = sdlOf('users');
const cart = sdlOf('cart');

describe.each(SUBGRAPHS.map((subgraph) => subgraph.name))('the %s SDL', (name) => {
  const document = sdlOf(name);

  it('links Federation 2.9 or later with @cost and @listSize', () => {
    const link = readFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8').match(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.(\d+)", import: \[([^\]]*)\]/);
    expect(Number(link?.[1])).toBeGreaterThanOrEqual(9);
    expect(link?.[2]).toContain('"@cost"');
    expect(link?.[2]).toContain('"@listSize"');
  });

  it('says how long every list of objects is', () => {
    const unsized = fieldsOf(document)
      .filter((info) => info.objectItems && isList(info.field.type))
      .filter((info) => {
        const listSize = directiveArgs(info.field, 'listSize');
        return typeof listSize?.assumedSize !== 'number' && !Array.isArray(listSize?.slicingArguments);
      })
      .map((info) => `${info.type}.${info.field.name.value}`);
    expect(unsized).toEqual([]);
  });

  it('sizes every connection by `first` (default and maximum those of platform pagination)', () => {
    const connections = fieldsOf(document).filter((info) => namedType(info.field.type).endsWith('Connection'));
    for (const { type, field: connection } of connections) {
      expect(directiveArgs(connection, 'listSize'), `${type}.${connection.name.value}`).toEqual({
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      });
      const first = connection.arguments?.find((argument) => argument.name.value === 'first');
      expect(first?.defaultValue && valueFromASTUntyped(first.defaultValue)).toBe(DEFAULT_PAGE_SIZE);
      expect(directiveArgs(field(document, namedType(connection.type), 'edges'), 'listSize')).toEqual({ assumedSize: MAX_PAGE_SIZE });
    }
  });

  it('weighs every mutation at 10', () => {
    const mutations = fieldsOf(document).filter((info) => info.type === 'Mutation');
    expect(mutations.length).toBeGreaterThan(0);
    for (const { field: mutation } of mutations) expect(directiveArgs(mutation, 'cost'), mutation.name.value).toEqual({ weight: 10 });
  });
});

describe('list sizes in the SDL', () => {
  it('are the bounds the domain enforces', () => {
    const assumed = (document: DocumentNode, type: string, name: string) => directiveArgs(field(document, type, name), 'listSize')?.assumedSize;
    expect(assumed(catalog, 'Product', 'variants')).toBe(LIMITS.variants);
    expect(assumed(catalog, 'ProductVariant', 'options')).toBe(LIMITS.options);
    expect(assumed(catalog, 'Category', 'path')).toBe(MAX_CATEGORY_DEPTH);
    expect(assumed(catalog, 'ProductFacets', 'categories')).toBe(FACET_LIMIT);
    expect(assumed(catalog, 'ProductFacets', 'vendors')).toBe(FACET_LIMIT);
    expect(assumed(users, 'User', 'addresses')).toBe(MAX_ADDRESSES_PER_USER);
    expect(assumed(cart, 'Cart', 'lines')).toBe(MAX_CART_LINES);
    expect(assumed(cart, 'Cart', 'vendors')).toBe(MAX_CART_LINES);
  });
});

describe('the composed supergraph', () => {
  it('keeps every @cost and @listSize of the subgraphs, where the gateway reads them', async () => {
    const costs = loadCostSchema(await composeSubgraphs());
    for (const name of SUBGRAPHS.map((subgraph) => subgraph.name)) {
      for (const info of fieldsOf(sdlOf(name))) {
        const composed = costs.schema.getType(info.type);
        const composedField = isObjectType(composed) ? composed.getFields()[info.field.name.value] : undefined;
        expect(composedField, `${info.type}.${info.field.name.value}`).toBeDefined();
        if (!composedField) continue;
        const weight = directiveArgs(info.field, 'cost')?.weight ?? null;
        expect(costs.fieldWeight(composedField), `@cost of ${info.type}.${info.field.name.value}`).toBe(weight);
        const listSize = directiveArgs(info.field, 'listSize');
        expect(costs.listSize(composedField), `@listSize of ${info.type}.${info.field.name.value}`).toEqual(
          listSize && {
            assumedSize: listSize.assumedSize ?? null,
            slicingArguments: listSize.slicingArguments ?? [],
            sizedFields: listSize.sizedFields ?? [],
          },
        );
      }
    }
  });
});
