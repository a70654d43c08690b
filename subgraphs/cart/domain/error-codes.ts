/**
 * The codes the cart subgraph returns in `userErrors`. Clients branch on these strings: never
 * rename or reuse one, add new ones instead.
 */
export const CartErrorCodes = {
  /** No cart for this caller or token (unknown, expired, or someone else's: never told apart). */
  CART_NOT_FOUND: 'CART_NOT_FOUND',
  /** A line's quantity must be a whole number from 1 to 99 (after adding to what is already there). */
  CART_QUANTITY_INVALID: 'CART_QUANTITY_INVALID',
  /** Catalog has no variant with this id. */
  CART_VARIANT_NOT_FOUND: 'CART_VARIANT_NOT_FOUND',
  /** The variant exists but cannot be bought now (product not published, or its store is suspended). */
  CART_VARIANT_NOT_ON_SALE: 'CART_VARIANT_NOT_ON_SALE',
  /** The variant is priced in another currency than the cart's lines: one currency per cart. */
  CART_CURRENCY_MISMATCH: 'CART_CURRENCY_MISMATCH',
  /** The cart already has the most lines it may hold (100). */
  CART_TOO_MANY_LINES: 'CART_TOO_MANY_LINES',
  /** The cart has no line for this variant. */
  CART_LINE_NOT_FOUND: 'CART_LINE_NOT_FOUND',
  /** A cart token was sent where the signed-in caller's own cart is meant (merge a guest cart with mergeGuestCart). */
  CART_TOKEN_NOT_EXPECTED: 'CART_TOKEN_NOT_EXPECTED',
} as const;
