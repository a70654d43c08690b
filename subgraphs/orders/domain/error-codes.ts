/**
 * The codes the orders subgraph returns in `userErrors`. Clients branch on these strings: never
 * rename or reuse one, add new ones instead (test/error-codes.test.ts refuses duplicates).
 */
export const OrderErrorCodes = {
  /** No cart with this id belongs to the caller (unknown, another customer's, or already checked out). */
  ORDER_CART_NOT_FOUND: 'ORDER_CART_NOT_FOUND',
  /** The cart has no lines. */
  ORDER_CART_EMPTY: 'ORDER_CART_EMPTY',
  /** A variant in the cart is unknown to catalog or not on sale any more. */
  ORDER_VARIANT_NOT_ON_SALE: 'ORDER_VARIANT_NOT_ON_SALE',
  /** A variant's price is in another currency than the cart. */
  ORDER_CURRENCY_MISMATCH: 'ORDER_CURRENCY_MISMATCH',
  /** The cart holds more lines than one order may. */
  ORDER_TOO_MANY_LINES: 'ORDER_TOO_MANY_LINES',
  /** The shipping address' country has no configured tax rate: the shop does not ship there. */
  ORDER_SHIPPING_COUNTRY_UNSUPPORTED: 'ORDER_SHIPPING_COUNTRY_UNSUPPORTED',
  /** The idempotency key was already used by this customer for a different placeOrder request. */
  ORDER_IDEMPOTENCY_KEY_REUSED: 'ORDER_IDEMPOTENCY_KEY_REUSED',
  /** Cart or catalog could not be read just now; nothing was written, retry with the same key. */
  ORDER_CHECKOUT_UNAVAILABLE: 'ORDER_CHECKOUT_UNAVAILABLE',
  /** No order with this id that the caller may see. */
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  /** The order cannot be cancelled any more (a part shipped, or it already ended). */
  ORDER_NOT_CANCELLABLE: 'ORDER_NOT_CANCELLABLE',
  /** The order's status table does not allow this move. */
  ORDER_ILLEGAL_TRANSITION: 'ORDER_ILLEGAL_TRANSITION',
  /** No vendor order with this id belongs to the caller's vendor. */
  VENDOR_ORDER_NOT_FOUND: 'VENDOR_ORDER_NOT_FOUND',
  /** The vendor order cannot be shipped in its status (not confirmed yet, cancelled, or already shipped with other tracking). */
  VENDOR_ORDER_NOT_SHIPPABLE: 'VENDOR_ORDER_NOT_SHIPPABLE',
  /** The vendor order cannot be marked delivered: it has not shipped (not confirmed yet, waiting to ship, or cancelled). */
  VENDOR_ORDER_NOT_SHIPPED: 'VENDOR_ORDER_NOT_SHIPPED',
} as const;
