import { z } from 'zod';
import type { InternalReadClient } from '../../../platform/http/internal-read.ts';
import { money } from '../../../platform/money/money.ts';
import type { CatalogReader, InventoryReader } from '../domain/ports.ts';

/** The most ids the owners' routes take per request (catalog's and inventory's bound). */
const MAX_IDS_PER_READ = 100;

const variantsAnswer = z.object({
  variants: z
    .array(
      z.object({
        id: z.string(),
        productId: z.string(),
        vendorId: z.string(),
        sku: z.string(),
        productName: z.string(),
        title: z.string().nullable(),
        price: z.object({ amount: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) }),
        onSale: z.boolean(),
      }),
    )
    .max(MAX_IDS_PER_READ),
});

const availabilityAnswer = z.object({
  availability: z.array(z.object({ variantId: z.string(), available: z.number().int() })).max(MAX_IDS_PER_READ),
});

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += MAX_IDS_PER_READ) out.push(items.slice(start, start + MAX_IDS_PER_READ));
  return out;
}

/** Catalog's POST /internal/variants behind the cart's port; its answer is validated before use. */
export function createCatalogReader(client: InternalReadClient): CatalogReader {
  return {
    async variants(ids, request) {
      const answers = await Promise.all(
        chunks(ids).map((part) => client.post('/internal/variants', { ids: part }, { schema: variantsAnswer, requestId: request.requestId, signal: request.signal })),
      );
      return answers.flatMap((answer) => answer.variants.map((variant) => ({ ...variant, id: variant.id.toLowerCase(), price: money(variant.price.amount, variant.price.currency) })));
    },
  };
}

/** Inventory's POST /internal/availability behind the cart's port. */
export function createInventoryReader(client: InternalReadClient): InventoryReader {
  return {
    async availability(variantIds, request) {
      const answers = await Promise.all(
        chunks(variantIds).map((part) =>
          client.post('/internal/availability', { variantIds: part }, { schema: availabilityAnswer, requestId: request.requestId, signal: request.signal }),
        ),
      );
      return new Map(answers.flatMap((answer) => answer.availability.map((row) => [row.variantId.toLowerCase(), Math.max(0, row.available)] as const)));
    },
  };
}
