import { randomUUID } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logging/logger.ts';
import { money } from '../../../platform/money/money.ts';
import { loadTypeDefs } from '../../../platform/graphql/load-schema.ts';
import { createRedis, waitForRedis, type Redis } from '../../../platform/redis/redis.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import { createRequestScope, type CatalogDeps } from '../application/catalog-services.ts';
import type { CatalogContext } from '../context.ts';
import type { Category } from '../domain/category.ts';
import type { Product } from '../domain/product.ts';
import { CategoryRepository } from '../infra/category.repository.ts';
import { createCatalogPrisma, type CatalogPrisma } from '../infra/prisma.ts';
import { ListingCache } from '../infra/listing-cache.ts';
import { ProductCache } from '../infra/product-cache.ts';
import { ProductRepository } from '../infra/product.repository.ts';
import { resolvers } from './index.ts';

/** A page of products costs a fixed number of queries, however many products and categories it shows. */
const logger = createLogger({ service: 'catalog-batching-spec', level: 'silent', pretty: false });
// @apollo/subgraph loads graphql's CommonJS build; executing with the ESM one would be "another realm".
const { graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
const schema = buildSubgraphSchema([{ typeDefs: loadTypeDefs(new URL('../schema.graphql', import.meta.url)), resolvers: resolvers as never }]);
const vendorId = randomUUID();
let prisma: CatalogPrisma;
let redis: Redis;

class CountingProducts extends ProductRepository {
  calls = 0;
  override async findByIds(ids: readonly string[]): Promise<Product[]> {
    this.calls += 1;
    return super.findByIds(ids);
  }
}
class CountingCategories extends CategoryRepository {
  calls = 0;
  override async findByIds(ids: readonly string[]): Promise<Category[]> {
    this.calls += 1;
    return super.findByIds(ids);
  }
}

function execute(source: string, deps: CatalogDeps, variables: Record<string, unknown> = {}) {
  const base = { requestId: randomUUID(), logger, viewer: null, accessToken: null, clientIp: '127.0.0.1' };
  const contextValue: CatalogContext = { ...base, ...createRequestScope(deps, base) };
  return graphql({ schema, source, contextValue, variableValues: variables });
}

beforeAll(async () => {
  prisma = createCatalogPrisma(testDatabaseUrl('catalog'), 4);
  redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`catalog-batching-${randomUUID().slice(0, 8)}`) }, logger);
  await waitForRedis(redis);
  const products = new ProductRepository(prisma);
  const categories = new CategoryRepository(prisma);
  const categoryIds: string[] = [];
  for (let i = 0; i < 5; i += 1) {
    const id = randomUUID();
    await categories.insert({ id, name: `Batch ${i}`, slug: `batch-${i}-${id}`, parentId: null, pathIds: [id], depth: 0 });
    categoryIds.push(id);
  }
  for (let i = 0; i < 20; i += 1) {
    const id = randomUUID();
    await products.insert({
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
  }
});

afterAll(async () => {
  redis?.disconnect();
  await prisma?.$disconnect();
});

describe('per-request batching', () => {
  it('loads a page of 20 products with their categories in one product query and one category query', async () => {
    const products = new CountingProducts(prisma);
    const categories = new CountingCategories(prisma);
    // This file's cache prefix is fresh, so every product really comes from Postgres here.
    const deps: CatalogDeps = { products, categories, cache: new ProductCache(redis, 60, logger), listings: new ListingCache(redis, 30, logger) };
    const result = await execute(
      `query($v: ID) { products(first: 20, filter: { vendorId: $v }) { edges { node { name category { name path { name } } } } } }`,
      deps,
      { v: vendorId },
    );
    expect(result.errors).toBeUndefined();
    const edges = (result.data?.products as { edges: { node: { category: { name: string } } }[] }).edges;
    expect(edges).toHaveLength(20);
    expect(new Set(edges.map((edge) => edge.node.category.name)).size).toBe(5);
    expect(products.calls).toBeLessThanOrEqual(1);
    expect(categories.calls).toBe(1);
  });

  it('resolves many Product references with one product query', async () => {
    const ids = (await prisma.product.findMany({ where: { vendorId }, select: { id: true }, take: 10 })).map((row) => row.id);
    const products = new CountingProducts(prisma);
    const deps: CatalogDeps = { products, categories: new CountingCategories(prisma), cache: new ProductCache(redis, 60, logger), listings: new ListingCache(redis, 30, logger) };
    const result = await execute(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name } } }`,
      deps,
      { r: ids.map((id) => ({ __typename: 'Product', id })) },
    );
    expect(result.errors).toBeUndefined();
    expect((result.data?._entities as { id: string }[]).map((entity) => entity.id)).toEqual(ids);
    expect(products.calls).toBeLessThanOrEqual(1);
  });
});
