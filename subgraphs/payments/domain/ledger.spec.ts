import { describe, expect, it } from 'vitest';
import { allocate, captureEntries, refundEntries, sharesFit, type LedgerLine, type VendorShare } from './ledger.ts';

const share = (vendor: string, amount: number): VendorShare => ({ vendorId: vendor, vendorOrderId: `${vendor}-order`, amount });
const sum = (lines: readonly LedgerLine[]) => lines.reduce((total, line) => total + line.amount, 0);
const balanceOf = (lines: readonly LedgerLine[], vendorId: string | null) => sum(lines.filter((line) => line.vendorId === vendorId));

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return (max: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % max;
  };
}

describe('capture entries', () => {
  it('credits each vendor its share minus 10 % and the platform the commissions plus the unshared rest', () => {
    const lines = captureEntries(12_000, [share('a', 7_000), share('b', 4_000)], 1000);
    expect(lines).toEqual([
      { vendorId: 'a', vendorOrderId: 'a-order', kind: 'SALE', amount: 6_300 },
      { vendorId: 'b', vendorOrderId: 'b-order', kind: 'SALE', amount: 3_600 },
      // 700 + 400 commission, 1 000 of shipping/tax no vendor had a share of.
      { vendorId: null, vendorOrderId: null, kind: 'COMMISSION', amount: 2_100 },
    ]);
  });

  it('rounds commission down (in the vendor’s favour) and still sums to the amount', () => {
    const lines = captureEntries(999, [share('a', 333), share('b', 333), share('c', 333)], 1000);
    expect(lines.slice(0, 3).map((line) => line.amount)).toEqual([300, 300, 300]);
    expect(lines[3]?.amount).toBe(99);
    expect(sum(lines)).toBe(999);
  });

  it('refuses shares that are not whole, negative, or more than the amount', () => {
    expect(sharesFit(100, [share('a', 101)])).toBe(false);
    expect(sharesFit(100, [share('a', 1.5)])).toBe(false);
    expect(sharesFit(100, [share('a', -1)])).toBe(false);
    expect(() => captureEntries(100, [share('a', 60), share('b', 41)], 1000)).toThrow(RangeError);
  });

  it('always sums to the amount, for any shares and commission', () => {
    const next = random(7);
    for (let run = 0; run < 500; run += 1) {
      const shares = Array.from({ length: 1 + next(5) }, (_, index) => share(`v${index}`, next(100_000)));
      const amount = shares.reduce((total, s) => total + s.amount, 0) + next(5_000);
      expect(sum(captureEntries(amount, shares, next(10_001)))).toBe(amount);
    }
  });
});

describe('allocate (largest remainder)', () => {
  it('splits in proportion, giving the units left over to the largest remainders, earlier first on ties', () => {
    expect(allocate(10, [1, 1, 1], 3)).toEqual([4, 3, 3]);
    expect(allocate(100, [50, 30, 20], 100)).toEqual([50, 30, 20]);
    expect(allocate(0, [5, 5], 10)).toEqual([0, 0]);
  });

  it('stays exact for amounts whose products exceed 2^53', () => {
    expect(allocate(99_999_999_999, [99_999_999_999], 99_999_999_999)).toEqual([99_999_999_999]);
  });
});

describe('refund entries', () => {
  const capture = captureEntries(12_000, [share('a', 7_000), share('b', 4_000)], 1000);

  it('reverses pro rata: a half refund takes back half of every entry', () => {
    const lines = refundEntries(capture, 12_000, 0, 6_000);
    expect(lines).toEqual([
      { vendorId: 'a', vendorOrderId: 'a-order', kind: 'REFUND', amount: -3_150 },
      { vendorId: 'b', vendorOrderId: 'b-order', kind: 'REFUND', amount: -1_800 },
      { vendorId: null, vendorOrderId: null, kind: 'COMMISSION_REFUND', amount: -1_050 },
    ]);
  });

  it('each refund sums to minus its amount, and after refunding everything every balance is zero', () => {
    const next = random(42);
    for (let run = 0; run < 300; run += 1) {
      const shares = Array.from({ length: 1 + next(4) }, (_, index) => share(`v${index}`, 1 + next(50_000)));
      const captured = shares.reduce((total, s) => total + s.amount, 0) + next(3_000);
      const lines = captureEntries(captured, shares, next(3_000));
      const ledger = [...lines];
      let refunded = 0;
      while (refunded < captured) {
        const refund = Math.min(captured - refunded, 1 + next(Math.max(1, Math.floor(captured / 3))));
        const reversal = refundEntries(lines, captured, refunded, refund);
        expect(sum(reversal)).toBe(-refund);
        ledger.push(...reversal);
        refunded += refund;
      }
      for (const account of [null, ...shares.map((s) => s.vendorId)]) expect(balanceOf(ledger, account)).toBe(0);
    }
  });

  it('refuses a refund above what is left, and a zero or fractional one', () => {
    expect(() => refundEntries(capture, 12_000, 6_000, 6_001)).toThrow(RangeError);
    expect(() => refundEntries(capture, 12_000, 0, 0)).toThrow(RangeError);
    expect(() => refundEntries(capture, 12_000, 0, 0.5)).toThrow(RangeError);
  });
});
