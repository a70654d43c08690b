import { describe, expect, it } from 'vitest';
import { parseAddress } from './address.ts';
import { parseName, parsePhone } from './profile.ts';

describe('profile rules', () => {
  it('tidies names and refuses empty, overlong or control characters', () => {
    expect(parseName('  Ada   Lovelace ', ['n'])).toEqual({ ok: true, value: 'Ada Lovelace' });
    expect(parseName('   ', ['n']).ok).toBe(false);
    expect(parseName('x'.repeat(101), ['n']).ok).toBe(false);
    expect(parseName('Ada\u0000', ['n']).ok).toBe(false);
  });

  it('stores phones in E.164 and treats empty as none', () => {
    expect(parsePhone('+33 6 12-34.56 (78)', ['p'])).toEqual({ ok: true, value: '+33612345678' });
    expect(parsePhone('', ['p'])).toEqual({ ok: true, value: null });
    expect(parsePhone(null, ['p'])).toEqual({ ok: true, value: null });
    expect(parsePhone('0612345678', ['p']).ok).toBe(false);
    expect(parsePhone('+0 612345678', ['p']).ok).toBe(false);
    expect(parsePhone('+1234', ['p']).ok).toBe(false);
  });
});

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
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((error) => error.field)).toEqual([
        ['input', 'label'],
        ['input', 'city'],
        ['input', 'countryCode'],
        ['input', 'phone'],
      ]);
      expect(new Set(result.errors.map((error) => error.code))).toEqual(new Set(['VALIDATION_FAILED']));
    }
  });
});
