import { z } from 'zod';
import type { InternalReadClient } from '../../../platform/http/internal-read.ts';
import type { CatalogVariant, CheckoutCart } from '../domain/order.ts';

const money = z.object({ amount: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) });

/** Cart's answer to POST /internal/carts/checkout. */
export const checkoutCartAnswer = z.object({
  cart: z
    .object({
      id: z.uuid(),
      customerId: z.uuid(),
      /** Null when the cart has no lines (cart's answer). */
      currency: z.string().regex(/^[A-Z]{3}$/).nullable(),
      lines: z.array(z.object({ variantId: z.uuid(), quantity: z.number().int().positive().max(10_000) })).max(1_000),
    })
    .nullable(),
});

/** Catalog's answer to POST /internal/variants. */
export const variantsAnswer = z.object({
  variants: z
    .array(
      z.object({
        id: z.uuid(),
        productId: z.uuid(),
        vendorId: z.uuid(),
        sku: z.string().max(100),
        productName: z.string().max(300),
        /** Null for a product's only, untitled variant. */
        title: z.string().max(300).nullable(),
        price: money,
        onSale: z.boolean(),
      }),
    )
    .max(1_000),
});

/** The cart port over cart's internal listener. */
export function createCartReader(client: InternalReadClient) {
  return {
    async checkoutCart(args: { cartId: string; customerId: string }, context: { requestId: string; signal: AbortSignal }): Promise<CheckoutCart | null> {
      const answer = await client.post('/internal/carts/checkout', args, { schema: checkoutCartAnswer, requestId: context.requestId, signal: context.signal });
      return answer.cart;
    },
  };
}

/** The catalog port over catalog's internal listener. */
export function createCatalogReader(client: InternalReadClient) {
  return {
    async variants(ids: readonly string[], context: { requestId: string; signal: AbortSignal }): Promise<CatalogVariant[]> {
      const answer = await client.post('/internal/variants', { ids: [...ids] }, { schema: variantsAnswer, requestId: context.requestId, signal: context.signal });
      return answer.variants.map((variant) => ({ ...variant, title: variant.title ?? '' }));
    },
  };
}
