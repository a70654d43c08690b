import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../supergraph/compose.ts';
import { operationsOf } from '../../platform/graphql/limits/selection-walk.ts';
import { costDirectiveNames, loadCostSchema } from './cost-directives.ts';
import { estimateCost } from './estimate-cost.ts';

/** A shop in miniature, composed like the real one, so the directives are read from a real supergraph. */
const SHOP_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])
  type Query {
    products(first: Int = 20, after: String): ProductConnection!
      @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)
    product(id: ID!): Product
    search(text: String @cost(weight: 7), first: Int, last: Int): [Product!]! @listSize(slicingArguments: ["first", "last"], assumedSize: 30)
    tags: [Tag!]!
    report: Report
  }
  type Mutation {
    rename(name: String!): Product @cost(weight: 10)
  }
  type ProductConnection {
    edges: [ProductEdge!]! @listSize(assumedSize: 100)
    totalCount: Int!
  }
  type ProductEdge {
    node: Product!
    cursor: String!
  }
  type Product @key(fields: "id") {
    id: ID!
    name: String!
    vendor: Vendor!
    variants: [Variant!]! @listSize(assumedSize: 100)
    imageUrls: [String!]! @listSize(assumedSize: 20)
    grid: [[Tag!]!]! @listSize(assumedSize: 3)
    price: Int! @cost(weight: 4)
  }
  type Vendor @key(fields: "id") {
    id: ID!
    name: String!
    products(first: Int = 20): ProductConnection!
      @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)
  }
  type Variant {
    sku: String!
    options: [Tag!]! @listSize(assumedSize: 5)
  }
  type Tag {
    label: String!
  }
  type Report @cost(weight: 50) {
    total: Int!
  }
`;

const costSchema = loadCostSchema(composeSupergraph([{ name: 'shop', url: 'http://127.0.0.1:1/graphql', typeDefs: SHOP_SDL }]));

function cost(query: string, variables: Record<string, unknown> = {}, defaultListSize = 10): number {
  const document = parse(query);
  const operation = operationsOf(document)[0] as OperationDefinitionNode;
  return estimateCost(costSchema, document, operation, variables, { defaultListSize });
}

/** The fan-out, with `first` written in or passed as $n. */
const FAN_OUT = (first: string) =>
  `products(first: ${first}) { edges { node { vendor { products(first: ${first}) { edges { node { vendor { products(first: ${first}) { edges { node { id } } } } } } } } } } }`;

describe('estimateCost', () => {
  it('counts 1 per object and 0 per scalar or enum', () => {
    expect(cost('{ product(id: "p") { id name } }')).toBe(1);
    expect(cost('{ product(id: "p") { name vendor { name } } }')).toBe(2);
    expect(cost('{ product(id: "p") { __typename } __typename }')).toBe(1);
  });

  it('uses @cost on a field, else on its type, and adds an argument’s @cost only when it is given', () => {
    expect(cost('{ product(id: "p") { price } }')).toBe(1 + 4);
    expect(cost('{ report { total } }')).toBe(50);
    expect(cost('{ search(first: 1) { id } }')).toBe(1);
    expect(cost('{ search(first: 1, text: "lamp") { id } }')).toBe(7 + 1);
  });

  it('multiplies a list by its slicing argument, else its assumed size, else the default list size', () => {
    expect(cost('{ search(first: 3) { vendor { name } } }')).toBe(3 * 2);
    expect(cost('{ search(first: 3, last: 8) { id } }')).toBe(8);
    expect(cost('{ search { id } }')).toBe(30);
    expect(cost('{ tags { label } }')).toBe(10);
    expect(cost('{ tags { label } }', {}, 4)).toBe(4);
    // Lists of scalars cost nothing whatever their size; a list of lists is sized at each level.
    expect(cost('{ product(id: "p") { imageUrls } }')).toBe(1);
    expect(cost('{ product(id: "p") { grid { label } } }')).toBe(1 + 3 * 3);
  });

  it('sizes a connection’s edges by its `first`, or by the argument’s default when absent or null', () => {
    expect(cost('{ products(first: 5) { totalCount edges { cursor node { name } } } }')).toBe(1 + 5 * 2);
    expect(cost('{ products { edges { node { name } } } }')).toBe(1 + 20 * 2);
    expect(cost('query($n: Int) { products(first: $n) { edges { node { name } } } }', { n: null })).toBe(1 + 20 * 2);
    // Only the named fields are sized: a list deeper down keeps its own size.
    expect(cost('{ products(first: 2) { edges { node { variants { options { label } } } } } }')).toBe(1 + 2 * (1 + 1 + 100 * (1 + 5)));
  });

  it('applies variables, and the variable’s own default when it is not sent', () => {
    const query = `query($n: Int) { ${FAN_OUT('$n')} }`;
    expect(cost(query, { n: 100 })).toBe(cost(`{ ${FAN_OUT('100')} }`));
    expect(cost(query, { n: 2 })).toBe(cost(`{ ${FAN_OUT('2')} }`));
    expect(cost('query($n: Int = 3) { products(first: $n) { edges { node { id } } } }')).toBe(1 + 3 * 2);
  });

  it('estimates the issue’s fan-out at over two million', () => {
    // Each level: the connection (1) + 100 × (edge 1 + node 1 + vendor 1 + the next level).
    const level3 = 1 + 100 * (1 + 1);
    const level2 = 1 + 100 * (1 + 1 + 1 + level3);
    const level1 = 1 + 100 * (1 + 1 + 1 + level2);
    expect(cost(`{ ${FAN_OUT('100')} }`)).toBe(level1);
    expect(level1).toBe(2_040_401);
  });

  it('counts a fragment wherever it is spread, sized like the field it is spread under', () => {
    const spread = cost(`{ a: products(first: 4) { ...Page } b: products(first: 2) { ...Page } }
      fragment Page on ProductConnection { edges { node { ...Name } } }
      fragment Name on Product { name vendor { name } }`);
    expect(spread).toBe(1 + 4 * 3 + (1 + 2 * 3));
    expect(cost('{ products(first: 4) { ... on ProductConnection { edges { node { id } } } } }')).toBe(1 + 4 * 2);
    expect(cost('{ product(id: "p") { ... { vendor { name } } } }')).toBe(2);
  });

  it('leaves out what @skip or @include excludes, literally or through a variable', () => {
    const query = 'query($v: Boolean!) { product(id: "p") { vendor @include(if: $v) { name } } tags @skip(if: true) { label } }';
    expect(cost(query, { v: true })).toBe(2);
    expect(cost(query, { v: false })).toBe(1);
    expect(cost('{ tags @include(if: true) { label } }')).toBe(10);
  });

  it('starts a mutation at 10 and adds its fields', () => {
    expect(cost('mutation { rename(name: "x") { id vendor { id } } }')).toBe(10 + 10 + 1);
  });

  it('counts introspection as nothing: the gateway answers it from its own schema', () => {
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
  });
});

describe('costDirectiveNames', () => {
  const namesIn = (link: string) => costDirectiveNames(parse(`schema ${link} { query: Query } type Query { a: Int }`));

  it('follows the supergraph’s @link of the cost spec: imports, renames and the spec’s own namespace', () => {
    expect(namesIn('@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])')).toEqual({ cost: 'cost', listSize: 'listSize' });
    expect(namesIn('@link(url: "https://specs.apollo.dev/cost/v0.1", import: [{ name: "@cost", as: "@weight" }])')).toEqual({
      cost: 'weight',
      listSize: 'cost__listSize',
    });
    expect(namesIn('@link(url: "https://specs.apollo.dev/cost/v0.1", as: "price")')).toEqual({ cost: 'price', listSize: 'price__listSize' });
    expect(namesIn('@link(url: "https://specs.apollo.dev/link/v1.0")')).toBeNull();
  });

  it('reads nothing from a supergraph without the cost spec: every list gets the default size', () => {
    const plain = SHOP_SDL.replace('"@cost", "@listSize"', '').replace(/@(cost|listSize)\((?:[^()]|\([^()]*\))*\)/g, '');
    const bare = loadCostSchema(composeSupergraph([{ name: 'shop', url: 'http://127.0.0.1:1/graphql', typeDefs: plain }]));
    const document = parse('{ search { id } }');
    expect(estimateCost(bare, document, operationsOf(document)[0] as OperationDefinitionNode, {}, { defaultListSize: 10 })).toBe(10);
  });
});
