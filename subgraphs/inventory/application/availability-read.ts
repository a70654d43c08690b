import { z } from 'zod';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { StockRepository } from '../infra/stock.repository.ts';

/** The most variants one read may ask for: a cart's lines (100) or an order's. */
export const AVAILABILITY_READ_MAX_IDS = 100;

/** What `POST /internal/availability` accepts: up to 100 variant ids (UUIDs). */
export const availabilityReadBody = z.object({
  variantIds: z.array(z.string().refine(isUuid, 'not a UUID')).max(AVAILABILITY_READ_MAX_IDS),
});
export type AvailabilityReadBody = z.infer<typeof availabilityReadBody>;

/** One answer per distinct id asked for; a variant never stocked has 0. */
export interface AvailabilityReadAnswer {
  availability: { variantId: string; available: number }[];
}

/**
 * Inventory's answer to carts (cluster-only, on the internal listener): units available to buy
 * now (on hand minus reserved, over every warehouse), read from Postgres on every call. It is a
 * hint for shoppers, not a promise: only a reservation holds stock.
 */
export function createAvailabilityRead(deps: { stock: Pick<StockRepository, 'availableByVariant'> }) {
  return {
    async read(body: AvailabilityReadBody): Promise<AvailabilityReadAnswer> {
      const ids = [...new Set(body.variantIds.map((id) => id.toLowerCase()))];
      const available = await deps.stock.availableByVariant(ids);
      return { availability: ids.map((variantId) => ({ variantId, available: available.get(variantId) ?? 0 })) };
    },
  };
}
