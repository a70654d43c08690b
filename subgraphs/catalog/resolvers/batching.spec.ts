import { randomUUID } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../../platform/graphql/load-schema.ts';
import { money } from '../../../platform/money/money.ts';
import type { CatalogContext } from '../context.ts';
import { createCatalogHarness, type CatalogHarness } from '../testing/harness.ts';
import { resolvers } from './index.ts';

/** A page of products costs a fixed number of queries, however many products and categories it shows. */
// @apollo/subgraph loads graphql's CommonJS build; executing with the ESM one would be "another realm".
const { graphql } = createRequire(import.meta.url)('graphql') as typeof GraphQL;
const schema = buildSubgraphSchema([{ typeDefs: loadTypeDefs(new URL('../schema.graphql', import.meta.url)), resolvers: resolvers as never }]);
const vendorId = randomUUID();
const productIds: string[] = [];
let harness: CatalogHarness;

/** Runs one request as the server would: a fresh scope (its own loaders) and the process-wide services. */
async function execute(source: string, variables: Record<string, unknown>) {
  const contextValue: CatalogContext = { ...harness.scope(), services: harness.services };
  return graphql({ schema, source, contextValue, variableValues: variables });
}

/** How many product and category queries `run` sent to Postgres, from cold caches. */
async function queriesOf(run: () => Promise<void>): Promise<{ products: number; categories: number }> {
  await harness.deps.cache.byId.invalidate(productIds);
  await harness.deps.listings.bumpVersion();
  const before = { ...harness.reads };
  await run();
  return { products: harness.reads.productQueries - before.productQueries, categories: harness.reads.categoryQueries - before.categoryQueries };
}

beforeAll(async () => {
  harness = await createCatalogHarness({ scope: 'batching-spec' });
  const categoryIds: string[] = [];
  for (let i = 0; i < 5; i += 1) {
    const id = randomUUID();
    const inserted = await harness.deps.categories.insert({ id, name: `Batch ${i}`, slug: `batch-${i}-${id}`, parentId: null, pathIds: [id], depth: 0 });
    if (!inserted.ok) throw new Error(`category ${id}: ${inserted.errors.join()}`);
    categoryIds.push(id);
  }
  for (let i = 0; i < 20; i += 1) {
    const id = randomUUID();
    const inserted = await harness.deps.products.insert({
      id,
      vendorId,
      categoryId: categoryIds[i % 5] as string,
      name: `Batched ${i}`,
      slug: `batched-${id}`,
      description: '',
      status: 'ACTIVE',
      imageUrls: [],
      currency: 'EUR',
      variants: [{ id: randomUUID(), sku: `B-${id}`, title: null, options: [], price: money(100 + i, 'EUR'), compareAtPrice: null, position: 0 }],
    });
    if (!inserted.ok) throw new Error(`product ${id}: ${inserted.errors.join()}`);
    productIds.push(id);
  }
});

afterAll(async () => {
  await harness?.close();
});

describe('per-request batching', () => {
  it('loads a page of 20 products with their categories in one product query and one category query', async () => {
    const queries = await queriesOf(async () => {
      const result = await execute(
        `query($v: ID) { products(first: 20, filter: { vendorId: $v }) { edges { node { name category { name path { name } } } } } }`,
        { v: vendorId },
      );
      expect(result.errors).toBeUndefined();
      const edges = (result.data?.products as { edges: { node: { category: { name: string } } }[] }).edges;
      expect(edges).toHaveLength(20);
      expect(new Set(edges.map((edge) => edge.node.category.name)).size).toBe(5);
    });
    expect(queries).toEqual({ products: 1, categories: 1 });
  });

  it('resolves many Product references with one product query', async () => {
    const ids = productIds.slice(0, 10);
    const queries = await queriesOf(async () => {
      const result = await execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name } } }`, {
        r: ids.map((id) => ({ __typename: 'Product', id })),
      });
      expect(result.errors).toBeUndefined();
      expect((result.data?._entities as { id: string }[]).map((entity) => entity.id)).toEqual(ids);
    });
    expect(queries).toEqual({ products: 1, categories: 0 });
  });
});
