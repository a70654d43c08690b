import { describe, expect, it } from 'vitest';
import { isUnstorable, textArgument, textError, textProblem } from './text.ts';

describe('text rules', () => {
  it('finds what PostgreSQL cannot store: NUL and unpaired surrogates, not real astral characters', () => {
    expect(isUnstorable('a\u0000b')).toBe(true);
    expect(isUnstorable('a\uD800')).toBe(true);
    expect(isUnstorable('\uDC00a')).toBe(true);
    expect(isUnstorable('a\uDC00\uD800b')).toBe(true);
    expect(isUnstorable('emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢')).toBe(false);
    expect(isUnstorable('Zoë, 東京, مرحبا')).toBe(false);
  });

  it('one-line labels refuse controls, direction overrides and invisible-only text', () => {
    expect(textProblem('Ada Lovelace', 'line')).toBeNull();
    expect(textProblem('Ada\u0000', 'line')).toBe('unstorable');
    expect(textProblem('Ada\u0007', 'line')).toBe('control');
    expect(textProblem('Ada\nLovelace', 'line')).toBe('control');
    expect(textProblem('Bob\u202Egnp.exe', 'line')).toBe('direction');
    expect(textProblem('\u2067Bob\u2069', 'line')).toBe('direction');
    for (const invisible of ['\u200B', '\u3164', '\u2800\u2800', '\u00AD\u200D', '\uFE0F', '\u0301', ' \u115F\u1160 ', '\u180E']) {
      expect(textProblem(invisible, 'line')).toBe('invisible');
    }
    // Joiners and marks inside real words are part of the word.
    expect(textProblem('👩\u200D💻 Dev', 'line')).toBeNull();
    expect(textProblem('Zoe\u0308', 'line')).toBeNull();
    expect(textProblem('', 'line')).toBeNull();
  });

  it('free text keeps line breaks and tabs but refuses other controls', () => {
    expect(textProblem('Line one\r\nLine two\twith a tab', 'text')).toBeNull();
    expect(textProblem('Bell\u0007', 'text')).toBe('control');
    expect(textProblem('Escape\u001B[31m', 'text')).toBe('control');
    expect(textProblem('C1\u0085', 'text')).toBe('control');
    expect(textProblem('a\uD800', 'text')).toBe('unstorable');
  });

  it('answers a mutation input with VALIDATION_FAILED at its field', () => {
    expect(textError('Ada', 'line', ['input', 'name'])).toBeNull();
    expect(textError('\u200B', 'line', ['input', 'name'], 'The name')).toEqual({
      code: 'VALIDATION_FAILED',
      field: ['input', 'name'],
      message: 'The name is made only of invisible characters.',
    });
  });

  it('answers a query argument with BAD_USER_INPUT, line breaks included', () => {
    expect(textArgument('lamp', 'search')).toEqual({ ok: true, value: 'lamp' });
    for (const bad of ['lamp\u0000', 'lamp\uDFFF', 'lamp\n', 'a\u0085']) {
      const result = textArgument(bad, 'search');
      expect(result.ok ? null : result.errors[0]?.code).toBe('BAD_USER_INPUT');
    }
  });
});
