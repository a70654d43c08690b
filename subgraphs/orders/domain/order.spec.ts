import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { OrderErrorCodes } from './error-codes.ts';
import { draftOrder, MAX_ORDER_LINES, validatePlaceOrder, type CatalogVariant } from './order.ts';

const rates = { DE: 1900 };
const input = {
  cartId: '0b7c6f0e-8a4b-4c4e-9a57-0d9f1a3c2b11',
  shippingAddress: { name: ' Ada ', line1: 'Street 1', line2: '  ', postalCode: '10117', city: 'Berlin', country: 'de', phone: '' },
  paymentMethodToken: 'tok_visa',
  idempotencyKey: 'key-12345678',
};

const variant = (id: string, vendorId: string, amount: number, currency = 'EUR'): CatalogVariant => ({
  id,
  productId: '3c0f9a7e-1b2d-4c3e-8f4a-5b6c7d8e9f00',
  vendorId,
  sku: `SKU-${id.slice(0, 4)}`,
  productName: 'Shirt',
  title: 'M',
  price: { amount, currency },
  onSale: true,
});

describe('validatePlaceOrder', () => {
  it('trims and normalises the address and finds the tax rate', () => {
    expect(validatePlaceOrder(input, rates)).toMatchObject({
      ok: true,
      value: { shippingAddress: { name: 'Ada', line2: null, country: 'DE', phone: null }, taxRateBp: 1900 },
    });
  });

  it('reports every problem at once', () => {
    const result = validatePlaceOrder({ ...input, cartId: 'nope', idempotencyKey: 'x', shippingAddress: { ...input.shippingAddress, city: '', country: 'Germany' } }, rates);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.every((error) => error.code === ErrorCodes.VALIDATION_FAILED)).toBe(true);
      expect(result.errors.map((error) => error.field?.at(-1)).sort()).toEqual(['cartId', 'city', 'country', 'idempotencyKey']);
    }
  });
});

describe('draftOrder', () => {
  const a = 'aaaaaaaa-0000-4000-8000-000000000001';
  const b = 'bbbbbbbb-0000-4000-8000-000000000002';
  const vendor = 'cccccccc-0000-4000-8000-000000000003';

  it('merges two cart lines of one variant and prices from catalog', () => {
    const draft = draftOrder({ id: 'c', customerId: 'u', currency: 'EUR', lines: [{ variantId: a, quantity: 1 }, { variantId: a.toUpperCase(), quantity: 2 }] }, [variant(a, vendor, 700)], 495, 1900);
    expect(draft).toMatchObject({ ok: true, value: { lines: [{ variantId: a, quantity: 3, unitPrice: 700, lineTotal: 2100 }], totals: { subtotal: 2100, shipping: 495 } } });
  });

  it('takes a cart with no lines (and so no currency) as empty', () => {
    expect(draftOrder({ id: 'c', customerId: 'u', currency: null, lines: [] }, [], 495, 1900)).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.ORDER_CART_EMPTY }] });
  });

  it('refuses a cart with more distinct items than an order holds', () => {
    const lines = Array.from({ length: MAX_ORDER_LINES + 1 }, (_, i) => ({ variantId: `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, '0')}`, quantity: 1 }));
    expect(draftOrder({ id: 'c', customerId: 'u', currency: 'EUR', lines }, [], 495, 1900)).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.ORDER_TOO_MANY_LINES }] });
  });

  it('names every line it cannot sell', () => {
    const result = draftOrder({ id: 'c', customerId: 'u', currency: 'EUR', lines: [{ variantId: a, quantity: 1 }, { variantId: b, quantity: 1 }] }, [{ ...variant(a, vendor, 1), onSale: false }, variant(b, vendor, 1, 'USD')], 495, 1900);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.code)).toEqual([OrderErrorCodes.ORDER_VARIANT_NOT_ON_SALE, OrderErrorCodes.ORDER_CURRENCY_MISMATCH]);
  });
});
