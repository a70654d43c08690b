import { describe, expect, it } from 'vitest';
import { decideRefresh, type PresentedRefreshToken } from './refresh-token.ts';

const now = new Date('2025-01-01T12:00:00Z');
const current: PresentedRefreshToken = {
  expiresAt: new Date('2025-01-31T12:00:00Z'),
  rotatedAt: null,
  familyRevokedAt: null,
  accountStatus: 'ACTIVE',
};

describe('refresh-token rotation decision', () => {
  it('rotates the current token of a live family', () => {
    expect(decideRefresh(current, now)).toBe('rotate');
  });

  it('refuses unknown tokens', () => {
    expect(decideRefresh(null, now)).toBe('invalid');
  });

  it('treats an already-rotated token as reuse, even if its family is revoked or it expired', () => {
    const rotated = { ...current, rotatedAt: new Date('2025-01-01T11:00:00Z') };
    expect(decideRefresh(rotated, now)).toBe('reuse');
    expect(decideRefresh({ ...rotated, familyRevokedAt: now }, now)).toBe('reuse');
    expect(decideRefresh({ ...rotated, expiresAt: new Date('2024-12-31T00:00:00Z') }, now)).toBe('reuse');
  });

  it('refuses the current token of a revoked family (logged out or reused elsewhere)', () => {
    expect(decideRefresh({ ...current, familyRevokedAt: new Date('2025-01-01T11:00:00Z') }, now)).toBe('invalid');
  });

  it('refuses an expired token, the boundary included', () => {
    expect(decideRefresh({ ...current, expiresAt: now }, now)).toBe('invalid');
    expect(decideRefresh({ ...current, expiresAt: new Date(now.getTime() + 1) }, now)).toBe('rotate');
  });

  it('names a suspended account first, whatever state its token is in', () => {
    const suspended = { ...current, accountStatus: 'SUSPENDED' as const };
    expect(decideRefresh(suspended, now)).toBe('suspended');
    expect(decideRefresh({ ...suspended, familyRevokedAt: now }, now)).toBe('suspended');
    expect(decideRefresh({ ...suspended, rotatedAt: now }, now)).toBe('suspended');
    expect(decideRefresh({ ...suspended, expiresAt: now }, now)).toBe('suspended');
  });
});
