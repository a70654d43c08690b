import { describe, expect, it } from 'vitest';
import { parseAddress } from './address.ts';

describe('address rules', () => {
  const valid = { recipientName: ' Ada ', line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', countryCode: 'fr' };

  it('normalises a valid address', () => {
    expect(parseAddress({ ...valid, phone: '+33 6 12 34 56 78', line2: '' }, ['input'])).toEqual({
      ok: true,
      value: {
        label: null,
        recipientName: 'Ada',
        line1: '1 Rue de Rivoli',
        line2: null,
        city: 'Paris',
        region: null,
        postalCode: '75001',
        countryCode: 'FR',
        phone: '+33612345678',
      },
    });
  });

  it('reports every problem with its field path', () => {
    const result = parseAddress({ ...valid, city: ' ', countryCode: 'France', phone: '12', label: 'x'.repeat(41) }, ['input']);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((error) => error.field)).toEqual([
      ['input', 'label'],
      ['input', 'city'],
      ['input', 'countryCode'],
      ['input', 'phone'],
    ]);
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(['VALIDATION_FAILED']));
  });

  it.each(['XX', 'ZZ', 'UK', 'EU', 'SU', 'AA', 'F\u0000'])('refuses %j, which is not an assigned ISO 3166-1 code', (countryCode) => {
    expect(parseAddress({ ...valid, countryCode }, ['input'])).toMatchObject({ ok: false, errors: [{ field: ['input', 'countryCode'] }] });
  });

  it('accepts assigned codes in any case', () => {
    for (const countryCode of ['gb', 'GB', 'DE', 'JP', 'SS', 'CW', 'AQ']) expect(parseAddress({ ...valid, countryCode }, ['input']).ok).toBe(true);
  });

  it('refuses text that cannot be stored or shown as written, at its field', () => {
    const result = parseAddress({ ...valid, line1: '1 Rue\u0000', line2: '\u200B', city: 'Par\uDC00is', recipientName: 'Ada\u202E' }, ['input']);
    expect(result.ok ? [] : result.errors.map((error) => error.field?.join('.'))).toEqual(['input.recipientName', 'input.line1', 'input.line2', 'input.city']);
  });
});
