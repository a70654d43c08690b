import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isKeyUsable, looksLikeApiKey, MAX_ROTATION_OVERLAP_SECONDS, parsePartnerAppName, rotationEnd, storedKeyParts } from './partner-app.ts';

const sha = (body: string) => createHash('sha256').update(body, 'utf8').digest('hex');

describe('API keys', () => {
  const key = `shpk_${'a'.repeat(40)}XyZ`;

  it('have one format, checked before any lookup', () => {
    expect(looksLikeApiKey(key)).toBe(true);
    for (const bad of ['', 'shpk_', `shpk_${'a'.repeat(42)}`, `shpk_${'a'.repeat(44)}`, `pk_${'a'.repeat(43)}`, `shpk_${'a'.repeat(42)}=`]) expect(looksLikeApiKey(bad), bad).toBe(false);
  });

  it('are stored as their sha256 with a display prefix and last four', () => {
    expect(storedKeyParts(key)).toEqual({ hash: sha(key), prefix: 'shpk_aaaa', last4: 'aXyZ' });
  });

  it('work until revoked or past their end, and only for an active app', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(isKeyUsable({ notAfter: null, revokedAt: null }, 'ACTIVE', now)).toBe(true);
    expect(isKeyUsable({ notAfter: new Date(now.getTime() + 1), revokedAt: null }, 'ACTIVE', now)).toBe(true);
    expect(isKeyUsable({ notAfter: now, revokedAt: null }, 'ACTIVE', now)).toBe(false);
    expect(isKeyUsable({ notAfter: null, revokedAt: now }, 'ACTIVE', now)).toBe(false);
    expect(isKeyUsable({ notAfter: null, revokedAt: null }, 'DISABLED', now)).toBe(false);
  });

  it('rotate with an overlap of 0 seconds to a week', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(rotationEnd(0, now, ['f'])).toEqual({ ok: true, value: now });
    expect(rotationEnd(MAX_ROTATION_OVERLAP_SECONDS, now, ['f'])).toEqual({ ok: true, value: new Date(now.getTime() + MAX_ROTATION_OVERLAP_SECONDS * 1000) });
    for (const bad of [-1, MAX_ROTATION_OVERLAP_SECONDS + 1, 1.5]) {
      const result = rotationEnd(bad, now, ['input', 'overlapSeconds']);
      expect(result.ok ? null : result.errors[0]).toMatchObject({ code: 'PARTNER_KEY_OVERLAP_OUT_OF_RANGE', field: ['input', 'overlapSeconds'] });
    }
  });
});

describe('partner app names', () => {
  it('are one trimmed line of 1 to 100 characters', () => {
    expect(parsePartnerAppName('  Acme  ', ['n'])).toEqual({ ok: true, value: 'Acme' });
    for (const bad of ['', '   ', 'x'.repeat(101), 'a\nb', 'evil\u202Egnp']) expect(parsePartnerAppName(bad, ['n']).ok, JSON.stringify(bad)).toBe(false);
  });
});
