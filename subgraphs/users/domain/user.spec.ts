import { describe, expect, it } from 'vitest';
import { parseName, parsePhone } from './user.ts';

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
