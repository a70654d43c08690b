import type { CatalogVariant, CheckoutCart } from '../domain/order.ts';

/** What a read of another service is tied to: the placing request (its id travels, its caller's signal stops it). */
export interface ReadContext {
  requestId: string;
  signal: AbortSignal;
}

/**
 * The cart as its owner hands it to checkout (cart's internal route POST /internal/carts/checkout).
 * Null when the cart does not exist or belongs to another customer: cart does not say which.
 * A failed read throws platform's InternalReadError.
 */
export interface CartPort {
  checkoutCart(args: { cartId: string; customerId: string }, context: ReadContext): Promise<CheckoutCart | null>;
}

/**
 * Variants with their current names, prices, vendors and sale state (catalog's internal route
 * POST /internal/variants); an unknown id is simply missing. A failed read throws InternalReadError.
 */
export interface CatalogPort {
  variants(ids: readonly string[], context: ReadContext): Promise<CatalogVariant[]>;
}
