import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LIMITS, validateAdjustment, validateLocation, validateReceipt } from './stock.ts';

const variantId = randomUUID();
const receipt = { variantId, locationCode: 'ber-1', quantity: 5, reason: 'delivery 42' };

const fieldsOf = (result: { ok: boolean; errors?: { field: string[] | null }[] }) => (result.ok ? [] : (result.errors ?? []).map((error) => error.field?.join('.')));

describe('validateReceipt', () => {
  it('normalises a good receipt', () => {
    expect(validateReceipt({ ...receipt, sku: ' aur-blk-m ' })).toEqual({
      ok: true,
      value: { variantId, sku: 'AUR-BLK-M', locationCode: 'BER-1', quantity: 5, reason: 'delivery 42', idempotencyKey: null },
    });
  });

  it.each([
    { case: 'zero', quantity: 0 },
    { case: 'negative', quantity: -3 },
    { case: 'fractional', quantity: 2.5 },
    { case: 'absurd', quantity: LIMITS.quantity + 1 },
  ])('refuses a $case quantity', ({ quantity }) => {
    expect(fieldsOf(validateReceipt({ ...receipt, quantity }))).toEqual(['input.quantity']);
  });

  it('reports every problem at once', () => {
    expect(fieldsOf(validateReceipt({ variantId: 'nope', sku: 'bad sku!', locationCode: 'x', quantity: 0, reason: ' ', vendorId: 'v', idempotencyKey: 'short' }))).toEqual([
      'input.variantId',
      'input.sku',
      'input.locationCode',
      'input.quantity',
      'input.reason',
      'input.vendorId',
      'input.idempotencyKey',
    ]);
  });
});

describe('validateAdjustment', () => {
  it.each([
    { delta: -4, ok: true },
    { delta: 7, ok: true },
    { delta: 0, ok: false },
    { delta: 0.5, ok: false },
    { delta: -LIMITS.quantity - 1, ok: false },
  ])('delta $delta → ok: $ok', ({ delta, ok }) => {
    expect(validateAdjustment({ variantId, locationCode: 'BER-1', delta, reason: 'stock take' }).ok).toBe(ok);
  });
});

describe('validateLocation', () => {
  it('upper-cases the code and trims the name', () => {
    expect(validateLocation({ code: 'ams-2', name: ' Amsterdam ' })).toEqual({ ok: true, value: { code: 'AMS-2', name: 'Amsterdam' } });
  });

  it('refuses a bad code and an empty name together', () => {
    expect(fieldsOf(validateLocation({ code: 'a b', name: '' }))).toEqual(['input.code', 'input.name']);
  });
});
