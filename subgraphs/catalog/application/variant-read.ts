import { z } from 'zod';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { ProductRepository, VariantForSale } from '../infra/product.repository.ts';

/** The most variants one read may ask for: a cart's lines (100) or an order's. */
export const VARIANT_READ_MAX_IDS = 100;

/** What `POST /internal/variants` accepts: up to 100 variant ids (UUIDs). */
export const variantReadBody = z.object({
  ids: z.array(z.string().refine(isUuid, 'not a UUID')).max(VARIANT_READ_MAX_IDS),
});
export type VariantReadBody = z.infer<typeof variantReadBody>;

/** What it answers: the variants it knows, in no particular order; unknown ids are left out. */
export interface VariantReadAnswer {
  variants: {
    id: string;
    productId: string;
    vendorId: string;
    sku: string;
    productName: string;
    title: string | null;
    price: { amount: number; currency: string };
    onSale: boolean;
  }[];
}

/**
 * Catalog's answer to carts and checkout (cluster-only, on the internal listener): names, prices
 * and whether each variant may be sold, read from Postgres on every call. Never from the product
 * cache, so a price change or a suspension shows at once; prices are never taken from a client.
 */
export function createVariantRead(deps: { products: Pick<ProductRepository, 'variantsForSale'> }) {
  return {
    async read(body: VariantReadBody): Promise<VariantReadAnswer> {
      const ids = [...new Set(body.ids.map((id) => id.toLowerCase()))];
      const variants = await deps.products.variantsForSale(ids);
      return { variants: variants.map(toAnswer) };
    },
  };
}

function toAnswer(variant: VariantForSale): VariantReadAnswer['variants'][number] {
  return { ...variant, price: { amount: variant.price.amount, currency: variant.price.currency } };
}
