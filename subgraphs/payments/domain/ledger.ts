/**
 * The marketplace ledger's arithmetic, in integer minor units (never floats).
 *
 * On capture of `amount`, each vendor is credited its share minus the platform's commission, and
 * the platform is credited the rest: the commissions, plus any part of the amount no vendor has a
 * share of (shipping, tax). Commission is `floor(share × bps / 10 000)`: the rounding goes in the
 * vendor's favour, and the platform's entry absorbs it, so the entries of a capture always sum to
 * the captured amount exactly.
 *
 * A refund reverses the capture's entries pro rata, by the largest-remainder method over the
 * refunded total so far: after refunds totalling T, entry j has been reversed by
 * `alloc(T)_j`, where alloc splits T over the entries in proportion to their amounts, gives each
 * the floor of its exact share and hands the units left over, one each, to the largest fractional
 * parts (ties: the earlier entry). A refund's entries are `alloc(T_after) − alloc(T_before)`, so:
 * each refund's entries sum to minus the refund exactly, and once everything is refunded every
 * account is back to exactly zero (no cent lost to rounding across several partial refunds).
 */

export const BPS_DENOMINATOR = 10_000;

/** A vendor's part of the order's money (before commission), as the authorize command carried it. */
export interface VendorShare {
  vendorOrderId: string;
  vendorId: string;
  amount: number;
}

export type LedgerEntryKind = 'SALE' | 'COMMISSION' | 'REFUND' | 'COMMISSION_REFUND';

/** One line of the ledger before it is stored: `vendorId` null is the platform's own account. */
export interface LedgerLine {
  vendorId: string | null;
  vendorOrderId: string | null;
  kind: LedgerEntryKind;
  amount: number;
}

/** Shares the ledger can split: whole non-negative units, summing to no more than the amount. */
export function sharesFit(amount: number, shares: readonly VendorShare[]): boolean {
  let sum = 0;
  for (const share of shares) {
    if (!Number.isSafeInteger(share.amount) || share.amount < 0) return false;
    sum += share.amount;
  }
  return Number.isSafeInteger(amount) && amount >= 0 && sum <= amount;
}

/** The entries of a capture: one SALE per vendor share (net of commission), one platform COMMISSION. */
export function captureEntries(amount: number, shares: readonly VendorShare[], commissionBps: number): LedgerLine[] {
  if (!sharesFit(amount, shares)) throw new RangeError('vendor shares must be whole units and sum to at most the amount');
  if (!Number.isInteger(commissionBps) || commissionBps < 0 || commissionBps > BPS_DENOMINATOR) throw new RangeError('commission must be 0 to 10000 bps');
  const sales: LedgerLine[] = shares.map((share) => ({
    vendorId: share.vendorId,
    vendorOrderId: share.vendorOrderId,
    kind: 'SALE',
    amount: share.amount - Math.floor((share.amount * commissionBps) / BPS_DENOMINATOR),
  }));
  const toVendors = sales.reduce((sum, line) => sum + line.amount, 0);
  return [...sales, { vendorId: null, vendorOrderId: null, kind: 'COMMISSION', amount: amount - toVendors }];
}

/**
 * Splits `total` over `weights` (non-negative, summing to `whole` > 0) in proportion, in whole
 * units: floors first, then one unit each to the largest remainders (ties: the earlier index).
 * Uses BigInt so large amounts times large weights never lose precision.
 */
export function allocate(total: number, weights: readonly number[], whole: number): number[] {
  if (total === 0 || whole === 0) return weights.map(() => 0);
  const big = weights.map((weight) => BigInt(weight) * BigInt(total));
  const divisor = BigInt(whole);
  const floors = big.map((value) => value / divisor);
  const remainders = big.map((value, index) => ({ index, rest: value % divisor }));
  let left = BigInt(total) - floors.reduce((sum, value) => sum + value, 0n);
  remainders.sort((a, b) => (a.rest === b.rest ? a.index - b.index : a.rest > b.rest ? -1 : 1));
  const result = floors.map(Number);
  for (const { index } of remainders) {
    if (left <= 0n) break;
    result[index] = (result[index] ?? 0) + 1;
    left -= 1n;
  }
  return result;
}

const REVERSAL: Record<LedgerEntryKind, LedgerEntryKind> = { SALE: 'REFUND', COMMISSION: 'COMMISSION_REFUND', REFUND: 'REFUND', COMMISSION_REFUND: 'COMMISSION_REFUND' };

/**
 * The reversing entries of a refund of `refund` units, when `refundedBefore` units of the captured
 * `captured` were refunded already. `captureLines` are the capture's entries (they sum to `captured`).
 * Lines that reverse nothing are left out.
 */
export function refundEntries(captureLines: readonly LedgerLine[], captured: number, refundedBefore: number, refund: number): LedgerLine[] {
  if (!Number.isSafeInteger(refund) || refund <= 0) throw new RangeError('a refund is a positive whole amount');
  if (refundedBefore < 0 || refundedBefore + refund > captured) throw new RangeError('refunds cannot exceed the captured amount');
  const weights = captureLines.map((line) => line.amount);
  const before = allocate(refundedBefore, weights, captured);
  const after = allocate(refundedBefore + refund, weights, captured);
  return captureLines
    .map((line, index) => ({
      vendorId: line.vendorId,
      vendorOrderId: line.vendorOrderId,
      kind: REVERSAL[line.kind],
      amount: -((after[index] ?? 0) - (before[index] ?? 0)),
    }))
    .filter((line) => line.amount !== 0);
}
