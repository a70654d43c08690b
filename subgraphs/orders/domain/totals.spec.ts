import { describe, expect, it } from 'vitest';
import { OrderErrorCodes } from './error-codes.ts';
import { computeTotals, taxOf, taxRateFor } from './totals.ts';

describe('taxOf: integer basis points, rounded half up', () => {
  it.each([
    { amount: 1000, bp: 1900, tax: 190 },
    { amount: 2495, bp: 1900, tax: 474 }, // 474.05
    { amount: 2995, bp: 1900, tax: 569 }, // 569.05
    { amount: 50, bp: 1900, tax: 10 }, // 9.5 → 10 (half up)
    { amount: 49, bp: 1900, tax: 9 }, // 9.31
    { amount: 1, bp: 2100, tax: 0 }, // 0.21
    { amount: 12345, bp: 0, tax: 0 },
    { amount: 100_000_000_000, bp: 10_000, tax: 100_000_000_000 },
  ])('$amount at $bp bp → $tax', ({ amount, bp, tax }) => {
    expect(taxOf(amount, bp)).toBe(tax);
  });
});

describe('computeTotals', () => {
  it('charges one flat shipping fee per vendor and tax per vendor order; the parts add up to the order', () => {
    const totals = computeTotals(
      [
        { variantId: 'a', vendorId: 'v1', quantity: 2, unitPrice: 1000 },
        { variantId: 'b', vendorId: 'v2', quantity: 1, unitPrice: 2500 },
        { variantId: 'c', vendorId: 'v1', quantity: 3, unitPrice: 333 },
      ],
      495,
      1900,
    );
    expect(totals.vendors).toEqual([
      { vendorId: 'v1', subtotal: 2999, shipping: 495, tax: 664, total: 4158 }, // (2999 + 495) × 0.19 = 663.86
      { vendorId: 'v2', subtotal: 2500, shipping: 495, tax: 569, total: 3564 },
    ]);
    expect(totals).toMatchObject({ subtotal: 5499, shipping: 990, tax: 1233, total: 7722, taxRateBp: 1900 });
    expect(totals.total).toBe(totals.vendors.reduce((sum, part) => sum + part.total, 0));
  });
});

describe('taxRateFor', () => {
  it('finds a configured country in any case and refuses others', () => {
    expect(taxRateFor({ DE: 1900 }, 'de')).toEqual({ ok: true, value: 1900 });
    const refused = taxRateFor({ DE: 1900 }, 'JP');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors[0]).toMatchObject({ code: OrderErrorCodes.ORDER_SHIPPING_COUNTRY_UNSUPPORTED, field: ['input', 'shippingAddress', 'country'] });
  });
});
