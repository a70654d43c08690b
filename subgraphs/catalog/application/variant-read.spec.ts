import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money } from '../../../platform/money/money.ts';
import type { ProductStatus } from '../domain/product.ts';
import { createCatalogHarness, type CatalogHarness } from '../testing/harness.ts';
import { createVariantRead, variantReadBody } from './variant-read.ts';

let h: CatalogHarness;
beforeAll(async () => {
  h = await createCatalogHarness({ scope: 'variant-read' });
});
afterAll(async () => {
  await h?.close();
});

/** A product with one variant, straight through the repository; returns the variant's id. */
async function variant(options: { vendorId: string; status?: ProductStatus; amount?: number; currency?: string; title?: string | null }): Promise<{ id: string; productId: string }> {
  const productId = randomUUID();
  const id = randomUUID();
  const currency = options.currency ?? 'EUR';
  const inserted = await h.deps.products.insert({
    id: productId,
    vendorId: options.vendorId,
    categoryId: null,
    name: `Read spec ${productId.slice(0, 6)}`,
    slug: `variant-read-${productId}`,
    description: '',
    status: options.status ?? 'ACTIVE',
    imageUrls: [],
    currency,
    variants: [{ id, sku: `VR-${id}`.toUpperCase(), title: options.title ?? null, options: [], price: money(options.amount ?? 1_999, currency), compareAtPrice: null, position: 0 }],
  });
  if (!inserted.ok) throw new Error(inserted.errors[0]);
  return { id, productId };
}

describe('catalog variant read (POST /internal/variants)', () => {
  const read = () => createVariantRead({ products: h.deps.products });

  it('answers name, vendor, price and sku of each known variant, leaving unknown ids out', async () => {
    const vendorId = randomUUID();
    const shirt = await variant({ vendorId, amount: 2_500, title: 'Medium' });
    const unknown = randomUUID();
    const answer = await read().read({ ids: [shirt.id.toUpperCase(), unknown] });
    expect(answer.variants).toEqual([
      {
        id: shirt.id,
        productId: shirt.productId,
        vendorId,
        sku: `VR-${shirt.id}`.toUpperCase(),
        productName: `Read spec ${shirt.productId.slice(0, 6)}`,
        title: 'Medium',
        price: { amount: 2_500, currency: 'EUR' },
        onSale: true,
      },
    ]);
  });

  it('says a variant is not on sale when its product is not ACTIVE or its store is suspended, and on sale again after reinstatement', async () => {
    const vendorId = randomUUID();
    const draft = await variant({ vendorId, status: 'DRAFT' });
    const archived = await variant({ vendorId, status: 'ARCHIVED' });
    const active = await variant({ vendorId });
    const onSale = async () => new Map((await read().read({ ids: [draft.id, archived.id, active.id] })).variants.map((v) => [v.id, v.onSale]));
    expect(await onSale()).toEqual(new Map([[draft.id, false], [archived.id, false], [active.id, true]]));

    await h.prisma.$transaction((tx) => h.deps.suspensions.apply(tx, { vendorId, suspended: true, at: new Date(Date.now() - 1_000), messageId: randomUUID() }));
    expect((await onSale()).get(active.id)).toBe(false);
    await h.prisma.$transaction((tx) => h.deps.suspensions.apply(tx, { vendorId, suspended: false, at: new Date(), messageId: randomUUID() }));
    expect((await onSale()).get(active.id)).toBe(true);
  });

  it('reads the price fresh from Postgres on every call (never the product cache)', async () => {
    const shirt = await variant({ vendorId: randomUUID(), amount: 1_000 });
    expect((await read().read({ ids: [shirt.id] })).variants[0]?.price.amount).toBe(1_000);
    await h.prisma.productVariant.update({ where: { id: shirt.id }, data: { priceAmount: 1_250 } });
    expect((await read().read({ ids: [shirt.id] })).variants[0]?.price.amount).toBe(1_250);
  });

  it('answers an empty list for no ids', async () => {
    expect(await read().read({ ids: [] })).toEqual({ variants: [] });
  });

  it('refuses a body with more than 100 ids or ids that are not UUIDs', () => {
    expect(variantReadBody.safeParse({ ids: Array.from({ length: 101 }, () => randomUUID()) }).success).toBe(false);
    expect(variantReadBody.safeParse({ ids: ['not-a-uuid'] }).success).toBe(false);
    expect(variantReadBody.safeParse({}).success).toBe(false);
    expect(variantReadBody.safeParse({ ids: Array.from({ length: 100 }, () => randomUUID()) }).success).toBe(true);
  });
});
