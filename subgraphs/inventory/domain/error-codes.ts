/**
 * The codes the inventory subgraph returns in `userErrors` and in the Results of its application
 * services (reservations for the checkout saga). Clients branch on these strings: never rename or
 * reuse one, add new ones instead.
 */
export const InventoryErrorCodes = {
  /** No warehouse has this code. */
  LOCATION_NOT_FOUND: 'LOCATION_NOT_FOUND',
  /** Another warehouse already uses this code. */
  LOCATION_CODE_TAKEN: 'LOCATION_CODE_TAKEN',
  /** The variant has no stock record in this warehouse (nothing was ever received there). */
  STOCK_ITEM_NOT_FOUND: 'STOCK_ITEM_NOT_FOUND',
  /** The adjustment would leave fewer units on hand than are reserved (or fewer than none). */
  STOCK_BELOW_RESERVED: 'STOCK_BELOW_RESERVED',
  /** An admin received stock for a variant whose vendor inventory does not know yet without naming it. */
  STOCK_VENDOR_REQUIRED: 'STOCK_VENDOR_REQUIRED',
  /** The idempotency key was already used by this caller for a different stock request. */
  STOCK_IDEMPOTENCY_KEY_REUSED: 'STOCK_IDEMPOTENCY_KEY_REUSED',
  /** Not enough available units to reserve, across every warehouse. */
  STOCK_INSUFFICIENT: 'STOCK_INSUFFICIENT',
  /** No reservation has this reference. */
  RESERVATION_NOT_FOUND: 'RESERVATION_NOT_FOUND',
  /** The reservation cannot make this move (committing a released one, releasing a committed one). */
  RESERVATION_ILLEGAL_TRANSITION: 'RESERVATION_ILLEGAL_TRANSITION',
  /** The reference is already used by a reservation of other lines. */
  RESERVATION_REFERENCE_CONFLICT: 'RESERVATION_REFERENCE_CONFLICT',
} as const;
