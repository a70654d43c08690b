import { describe, expect, it } from 'vitest';
import { parseName, parsePhone } from './user.ts';

describe('profile rules', () => {
  it('tidies names and refuses empty, overlong or control characters', () => {
    expect(parseName('  Ada   Lovelace ', ['n'])).toEqual({ ok: true, value: 'Ada Lovelace' });
    expect(parseName('   ', ['n']).ok).toBe(false);
    expect(parseName('x'.repeat(101), ['n']).ok).toBe(false);
    expect(parseName('Ada\u0000', ['n']).ok).toBe(false);
  });

  it.each([
    ['an unpaired surrogate', 'Ada\uD800'],
    ['only invisible characters', '\u200B\u3164'],
    ['only a Braille blank', '\u2800'],
    ['a direction override', 'Ada\u202Eecalevol'],
    ['a direction isolate', '\u2066Ada\u2069'],
  ])('refuses a name with %s', (_case, raw) => {
    expect(parseName(raw, ['input', 'name'])).toMatchObject({ ok: false, errors: [{ code: 'VALIDATION_FAILED', field: ['input', 'name'] }] });
  });

  it('keeps names in every script, with their marks and joiners', () => {
    for (const name of ['Zoë Ñúñez', '李小龍', 'محمد', 'Ꭰꮿ', '👩\u200D🚀 Ride']) expect(parseName(name, ['n'])).toEqual({ ok: true, value: name });
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
