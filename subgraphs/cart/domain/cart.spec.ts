import { describe, expect, it } from 'vitest';
import { money } from '../../../platform/money/money.ts';
import { decideAdd, lineWarnings, MAX_CART_LINES, planMerge, validateQuantity, viewCart, type SaleVariant, type StoredCart, type StoredLine } from './cart.ts';

const variant = (id: string, options: Partial<SaleVariant> = {}): SaleVariant => ({
  id,
  productId: `p-${id}`,
  vendorId: 'vendor-a',
  sku: id.toUpperCase(),
  productName: `Product ${id}`,
  title: null,
  price: money(1_000, 'EUR'),
  onSale: true,
  ...options,
});
const line = (variantId: string, quantity: number, addedUnitAmount = 1_000, at = 0): StoredLine => ({
  variantId,
  quantity,
  addedUnitAmount,
  createdAt: new Date(at),
  updatedAt: new Date(at),
});
const cart = (lines: StoredLine[], currency: string | null = lines.length > 0 ? 'EUR' : null): StoredCart => ({ id: 'c', customerId: 'u', currency, expiresAt: null, lines });

describe('cart rules', () => {
  it('takes quantities 1 to 99 only', () => {
    expect([1, 99].map((q) => validateQuantity(q).ok)).toEqual([true, true]);
    expect([0, -1, 100, 1_000_000, 2.5, Number.NaN].map((q) => validateQuantity(q).ok)).toEqual([false, false, false, false, false, false]);
  });

  it('adds to an existing line, refusing a sum over 99, a new line past 100 and another currency', () => {
    expect(decideAdd(cart([line('a', 98)]), variant('a'), 1)).toMatchObject({ ok: true, value: { quantity: 99 } });
    expect(decideAdd(cart([line('a', 98)]), variant('a'), 2).ok).toBe(false);
    const full = cart(Array.from({ length: MAX_CART_LINES }, (_, i) => line(`v${i}`, 1)));
    expect(decideAdd(full, variant('new'), 1).ok).toBe(false);
    expect(decideAdd(full, variant('v0'), 1).ok).toBe(true);
    expect(decideAdd(cart([line('a', 1)]), variant('b', { price: money(100, 'USD') }), 1).ok).toBe(false);
    expect(decideAdd(cart([], 'EUR'), variant('b', { price: money(100, 'USD') }), 1)).toMatchObject({ ok: true, value: { currency: 'USD' } });
  });

  it('warns, per line, about a changed price, low or no stock, and a product off sale', () => {
    expect(lineWarnings(line('a', 3), variant('a'), 'EUR', 3)).toEqual([]);
    expect(lineWarnings(line('a', 3, 900), variant('a'), 'EUR', 2)).toEqual(['PRICE_CHANGED', 'LOW_AVAILABILITY']);
    expect(lineWarnings(line('a', 3), variant('a', { onSale: false }), 'EUR', 0)).toEqual(['OUT_OF_STOCK', 'NO_LONGER_ON_SALE']);
  });

  it('totals per vendor and overall over the lines that can be bought', () => {
    const variants = new Map([
      ['a', variant('a', { vendorId: 'v1', price: money(250, 'EUR') })],
      ['b', variant('b', { vendorId: 'v2', price: money(1_000, 'EUR') })],
      ['c', variant('c', { vendorId: 'v1', price: money(100, 'EUR') })],
      ['off', variant('off', { vendorId: 'v2', onSale: false })],
    ]);
    const view = viewCart(cart([line('a', 2, 250, 1), line('b', 1, 1_000, 2), line('c', 3, 100, 3), line('off', 5, 1_000, 4)]), variants, new Map());
    expect(view.vendors).toEqual([
      { vendorId: 'v1', quantity: 5, subtotal: money(800, 'EUR') },
      { vendorId: 'v2', quantity: 1, subtotal: money(1_000, 'EUR') },
    ]);
    expect(view.subtotal).toEqual(money(1_800, 'EUR'));
    expect(view.lines.map((l) => l.variantId)).toEqual(['a', 'b', 'c', 'off']);
  });

  it('merges a guest cart: sums capped by availability, never below what the customer had, at most 99; unsellable lines left out', () => {
    const variants = new Map(['a', 'b', 'c', 'd', 'e'].map((id) => [id, variant(id, { onSale: id !== 'd' })]));
    const available = new Map([
      ['a', 10],
      ['b', 3],
      ['c', 0],
      ['d', 10],
      ['e', 500],
    ]);
    const customer = cart([line('a', 4), line('b', 5)]);
    const guest = { ...cart([line('a', 4), line('b', 2), line('c', 1), line('d', 1), line('e', 98)]), customerId: null };
    expect(planMerge(customer, guest, variants, available)).toEqual({
      ok: true,
      value: {
        currency: 'EUR',
        lines: [
          { variantId: 'a', quantity: 8, addedUnitAmount: 1_000 },
          { variantId: 'e', quantity: 98, addedUnitAmount: 1_000 },
        ],
      },
    });
    expect(planMerge(customer, { ...guest, currency: 'USD' }, variants, available).ok).toBe(false);
  });
});
