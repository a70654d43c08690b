import type { CatalogVariant, CheckoutCart } from '../domain/order.ts';

/** What a read of another service is tied to: the placing request (its id travels, its caller's signal stops it). */
export interface ReadContext {
  requestId: string;
  signal: AbortSignal;
}

/**
 * The cart as its owner hands it to checkout (cart's internal route POST /internal/carts/checkout).
 * Null when the cart does not exist or belongs to another customer: cart does not say which.
 */
export interface CartPort {
  checkoutCart(args: { cartId: string; customerId: string }, context: ReadContext): Promise<CheckoutCart | null>;
}

/** Variants with their current names, prices, vendors and sale state (catalog's internal route POST /internal/variants). */
export interface CatalogPort {
  variants(ids: readonly string[], context: ReadContext): Promise<CatalogVariant[]>;
}

/**
 * A port's read failed (timeout, the owner down, a bad answer): checkout cannot go on, but
 * nothing was written, so the client may retry with the same idempotency key.
 */
export class CheckoutReadError extends Error {
  override name = 'CheckoutReadError';
  constructor(
    readonly source: 'cart' | 'catalog',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
