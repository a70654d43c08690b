import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from './connection.ts';
import { cursorField, isCursorTimestamp, isFloat8Text } from './cursor-fields.ts';

describe('cursor fields', () => {
  it('accept timestamps only as toISOString writes them, from year 1', () => {
    expect(isCursorTimestamp(new Date().toISOString())).toBe(true);
    expect(isCursorTimestamp('0001-01-01T00:00:00.000Z')).toBe(true);
    expect(isCursorTimestamp('9999-12-31T23:59:59.999Z')).toBe(true);
    expect(isCursorTimestamp('+275760-09-13T00:00:00.000Z')).toBe(true);
    for (const bad of ['0000-01-01T00:00:00.000Z', '0000-01-01T00:00:00Z', '-000001-01-01T00:00:00.000Z', '2024-02-30T00:00:00.000Z', '2024-01-01', 'now', '']) {
      expect(isCursorTimestamp(bad)).toBe(false);
    }
  });

  it('accept floats that PostgreSQL can read back as float8', () => {
    for (const good of ['0', '0.0607927', '1e-05', '-1.5', '1.2345e+20', '0.000e5', '5e-324']) expect(isFloat8Text(good)).toBe(true);
    for (const bad of ['1e999', '-1e309', '1e-999', '2e-324', 'NaN', 'Infinity', '1e', '0x10', ' 1']) expect(isFloat8Text(bad)).toBe(false);
  });

  it('accept only int4 numbers, and storable text', () => {
    const schema = z.object({ p: cursorField.int4(), n: cursorField.text(10), id: cursorField.id() });
    const id = randomUUID();
    expect(decodeCursor(encodeCursor({ p: 2 ** 31 - 1, n: 'lamp', id }), schema).ok).toBe(true);
    for (const forged of [{ p: 2 ** 31, n: 'lamp', id }, { p: 1e15, n: 'lamp', id }, { p: 1.5, n: 'lamp', id }, { p: 1, n: 'a\u0000', id }, { p: 1, n: 'lamp', id: 'x' }]) {
      expect(decodeCursor(encodeCursor(forged), schema).ok).toBe(false);
    }
    const overflow = Buffer.from(`{"p":1e999,"n":"lamp","id":"${id}"}`).toString('base64url');
    const surrogate = Buffer.from(`{"p":1,"n":"a\\ud800","id":"${id}"}`).toString('base64url');
    expect(decodeCursor(overflow, schema).ok).toBe(false);
    expect(decodeCursor(surrogate, schema).ok).toBe(false);
  });
});
