import { describe, expect, it } from 'vitest';
import { parseStatusReason } from './status-reason.ts';

const field = ['input', 'reason'];

describe('status reasons', () => {
  it('trims, keeps line breaks and treats blank as none when optional', () => {
    expect(parseStatusReason(' Spam.\nRepeatedly. ', field, { max: 10_000, required: false })).toEqual({ ok: true, value: 'Spam.\nRepeatedly.' });
    expect(parseStatusReason('  ', field, { max: 10, required: false })).toEqual({ ok: true, value: null });
    expect(parseStatusReason(null, field, { max: 10, required: false })).toEqual({ ok: true, value: null });
  });

  it('cuts an optional reason at whole characters, never inside a surrogate pair', () => {
    const cut = parseStatusReason(`a${'😀'.repeat(10)}`, field, { max: 4, required: false });
    expect(cut).toEqual({ ok: true, value: 'a😀😀😀' });
  });

  it('requires 1 to max characters when required', () => {
    for (const raw of ['', ' ', 'x'.repeat(11)]) {
      expect(parseStatusReason(raw, field, { max: 10, required: true })).toMatchObject({ ok: false, errors: [{ code: 'VALIDATION_FAILED', field }] });
    }
  });

  it('refuses what PostgreSQL cannot store and control characters', () => {
    for (const raw of ['No\u0000', 'No\uD800', 'No\u001B[2J']) {
      expect(parseStatusReason(raw, field, { max: 100, required: false })).toMatchObject({ ok: false, errors: [{ code: 'VALIDATION_FAILED', field }] });
    }
  });
});
