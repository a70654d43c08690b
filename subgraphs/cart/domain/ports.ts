import type { SaleVariant } from './cart.ts';

/** Whom a read is for: the request id follows it to the owner's logs; the signal stops it. */
export interface ReadRequest {
  requestId: string;
  signal: AbortSignal;
}

/**
 * Catalog, the owner of names and prices (its internal POST /internal/variants). Unknown ids are
 * left out of the answer. Failures throw (the cart cannot be priced without it).
 */
export interface CatalogReader {
  variants(ids: readonly string[], request: ReadRequest): Promise<SaleVariant[]>;
}

/** Inventory, the owner of stock (its internal POST /internal/availability): units available per variant, 0 when never stocked. */
export interface InventoryReader {
  availability(variantIds: readonly string[], request: ReadRequest): Promise<Map<string, number>>;
}
