import { describe, expect, it } from 'vitest';
import { accessClaimsFor, canSeePrivateProfile, canSeeVendorInternals, ownerRoleFor } from './roles.ts';

const userId = '00000000-0000-4000-8000-000000000001';
const vendorId = '00000000-0000-4000-8000-0000000000aa';

describe('access claims', () => {
  it('scopes a vendor to its approved store', () => {
    expect(accessClaimsFor({ id: userId, role: 'VENDOR' }, vendorId)).toEqual({ sub: userId, role: 'VENDOR', vid: vendorId });
  });

  it('never grants vendor rights without an approved store', () => {
    expect(accessClaimsFor({ id: userId, role: 'VENDOR' }, null)).toEqual({ sub: userId, role: 'CUSTOMER', vid: null });
    expect(accessClaimsFor({ id: userId, role: 'CUSTOMER' }, vendorId)).toEqual({ sub: userId, role: 'CUSTOMER', vid: null });
  });

  it('keeps admins admins, without a store scope', () => {
    expect(accessClaimsFor({ id: userId, role: 'ADMIN' }, vendorId)).toEqual({ sub: userId, role: 'ADMIN', vid: null });
  });
});

describe('owner role follows the store', () => {
  it('promotes on approval, demotes on suspension, leaves admins alone', () => {
    expect(ownerRoleFor('CUSTOMER', 'APPROVED')).toBe('VENDOR');
    expect(ownerRoleFor('VENDOR', 'SUSPENDED')).toBe('CUSTOMER');
    expect(ownerRoleFor('CUSTOMER', 'REJECTED')).toBe('CUSTOMER');
    expect(ownerRoleFor('ADMIN', 'SUSPENDED')).toBe('ADMIN');
  });
});

describe('private data visibility', () => {
  const other = '00000000-0000-4000-8000-000000000002';
  it('shows private fields to the account, admins, and whoever just signed in as it', () => {
    expect(canSeePrivateProfile({ userId, role: 'CUSTOMER', vendorId: null }, userId)).toBe(true);
    expect(canSeePrivateProfile({ userId: other, role: 'ADMIN', vendorId: null }, userId)).toBe(true);
    expect(canSeePrivateProfile({ userId: other, role: 'VENDOR', vendorId }, userId)).toBe(false);
    expect(canSeePrivateProfile(null, userId)).toBe(false);
    expect(canSeePrivateProfile(null, userId, new Set([userId]))).toBe(true);
    expect(canSeeVendorInternals(null, userId, new Set([other]))).toBe(false);
  });
});
