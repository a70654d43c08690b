/** The prefix of every order number. */
export const ORDER_NUMBER_PREFIX = 'SH';

/**
 * The human-readable number of the n-th order (from the database sequence): `SH-000123`, six
 * digits at least, more once the sequence passes 999999 (numbers never wrap or repeat).
 */
export function orderNumber(sequence: number | bigint): string {
  const n = BigInt(sequence);
  if (n < 1n) throw new RangeError(`order sequence values start at 1, got ${n}`);
  return `${ORDER_NUMBER_PREFIX}-${n.toString().padStart(6, '0')}`;
}

/** A vendor order's number: its order's number and its 1-based position, `SH-000123-2`. */
export function vendorOrderNumber(order: string, position: number): string {
  if (!Number.isInteger(position) || position < 1) throw new RangeError(`vendor order positions start at 1, got ${position}`);
  return `${order}-${position}`;
}
