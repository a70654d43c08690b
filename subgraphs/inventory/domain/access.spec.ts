import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { canManageLocations, canMoveStockOf, canReadMovements, ownerForFirstReceipt } from './access.ts';

const OWNER = '00000000-0000-4000-8000-0000000000aa';
const OTHER = '00000000-0000-4000-8000-0000000000bb';
const viewers: Record<string, Viewer | null> = {
  anonymous: null,
  customer: { userId: 'c', role: 'CUSTOMER', vendorId: null },
  owner: { userId: 'o', role: 'VENDOR', vendorId: OWNER },
  other: { userId: 'x', role: 'VENDOR', vendorId: OTHER },
  admin: { userId: 'a', role: 'ADMIN', vendorId: null },
};

const outcome = (result: { ok: boolean; errors?: { code: string }[] }) => (result.ok ? 'ok' : result.errors?.[0]?.code);

describe('who may move stock of a variant owned by OWNER', () => {
  it.each([
    ['anonymous', 'UNAUTHENTICATED'],
    ['customer', 'FORBIDDEN'],
    ['owner', 'ok'],
    ['other', 'FORBIDDEN'],
    ['admin', 'ok'],
  ])('%s → %s', (who, expected) => {
    expect(outcome(canMoveStockOf(viewers[who] ?? null, OWNER))).toBe(expected);
    expect(outcome(canReadMovements(viewers[who] ?? null, OWNER))).toBe(expected);
  });

  it('an unknown variant may be stocked by any vendor (its first receipt claims it), but its trail is admin-only', () => {
    expect(outcome(canMoveStockOf(viewers.other ?? null, null))).toBe('ok');
    expect(outcome(canReadMovements(viewers.other ?? null, null))).toBe('FORBIDDEN');
    expect(outcome(canReadMovements(viewers.admin ?? null, null))).toBe('ok');
  });
});

describe('the owner a first receipt records', () => {
  it.each([
    { who: 'owner', requested: null, expected: { ok: true, value: OWNER } },
    { who: 'owner', requested: OWNER, expected: { ok: true, value: OWNER } },
    { who: 'admin', requested: OTHER, expected: { ok: true, value: OTHER } },
    { who: 'admin', requested: null, expected: { ok: true, value: null } },
  ])('$who naming $requested', ({ who, requested, expected }) => {
    expect(ownerForFirstReceipt(viewers[who] ?? null, requested)).toEqual(expected);
  });

  it('a vendor may not name another vendor', () => {
    expect(outcome(ownerForFirstReceipt(viewers.owner ?? null, OTHER))).toBe('FORBIDDEN');
  });
});

describe('warehouses', () => {
  it.each([
    ['anonymous', 'UNAUTHENTICATED'],
    ['owner', 'FORBIDDEN'],
    ['admin', 'ok'],
  ])('%s → %s', (who, expected) => {
    expect(outcome(canManageLocations(viewers[who] ?? null))).toBe(expected);
  });
});
