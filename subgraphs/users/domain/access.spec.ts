import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { accessClaimsFor, asAdmin, canSeePrivateProfile, canSeeVendorInternals, listableVendorStatuses, ownerRoleFor } from './access.ts';

const userId = '00000000-0000-4000-8000-000000000001';
const other = '00000000-0000-4000-8000-000000000002';
const vendorId = '00000000-0000-4000-8000-0000000000aa';
const sessionId = '00000000-0000-4000-8000-0000000000ff';
const customer: Viewer = { userId, role: 'CUSTOMER', vendorId: null };
const admin: Viewer = { userId: other, role: 'ADMIN', vendorId: null };
const vendor: Viewer = { userId: other, role: 'VENDOR', vendorId };
const nobody = new Set<string>();
const codeOf = (result: { ok: true } | { ok: false; errors: { code: string }[] }) => (result.ok ? 'OK' : result.errors[0]?.code);

describe('access claims', () => {
  it('scopes a vendor to its approved store, and every token to its session', () => {
    expect(accessClaimsFor({ id: userId, role: 'VENDOR' }, vendorId, sessionId)).toEqual({ sub: userId, role: 'VENDOR', vid: vendorId, sid: sessionId });
  });

  it('never grants vendor rights without an approved store', () => {
    expect(accessClaimsFor({ id: userId, role: 'VENDOR' }, null, sessionId)).toEqual({ sub: userId, role: 'CUSTOMER', vid: null, sid: sessionId });
    expect(accessClaimsFor({ id: userId, role: 'CUSTOMER' }, vendorId, sessionId)).toEqual({ sub: userId, role: 'CUSTOMER', vid: null, sid: sessionId });
  });

  it('keeps admins admins, without a store scope', () => {
    expect(accessClaimsFor({ id: userId, role: 'ADMIN' }, vendorId, sessionId)).toEqual({ sub: userId, role: 'ADMIN', vid: null, sid: sessionId });
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

describe('administration', () => {
  it('is for admins: anonymous callers are UNAUTHENTICATED, others FORBIDDEN', () => {
    expect(asAdmin(admin)).toEqual({ ok: true, value: admin });
    expect(codeOf(asAdmin(null))).toBe('UNAUTHENTICATED');
    expect(codeOf(asAdmin(customer))).toBe('FORBIDDEN');
    expect(codeOf(asAdmin(vendor))).toBe('FORBIDDEN');
  });
});

describe('private data visibility', () => {
  it('shows private fields to the account, admins, and whoever just signed in as it', () => {
    expect(codeOf(canSeePrivateProfile(customer, userId, nobody))).toBe('OK');
    expect(codeOf(canSeePrivateProfile(admin, userId, nobody))).toBe('OK');
    expect(codeOf(canSeePrivateProfile(vendor, userId, nobody))).toBe('FORBIDDEN');
    expect(codeOf(canSeePrivateProfile(null, userId, nobody))).toBe('FORBIDDEN');
    expect(codeOf(canSeePrivateProfile(null, userId, new Set([userId])))).toBe('OK');
    expect(codeOf(canSeeVendorInternals(null, userId, new Set([other])))).toBe('FORBIDDEN');
  });
});

describe('listing stores', () => {
  it('shows approved stores to everyone and any status to admins only', () => {
    expect(listableVendorStatuses(null, null)).toEqual({ ok: true, value: ['APPROVED'] });
    expect(listableVendorStatuses(customer, 'APPROVED')).toEqual({ ok: true, value: ['APPROVED'] });
    expect(codeOf(listableVendorStatuses(vendor, 'PENDING'))).toBe('FORBIDDEN');
    expect(listableVendorStatuses(admin, null)).toEqual({ ok: true, value: null });
    expect(listableVendorStatuses(admin, 'SUSPENDED')).toEqual({ ok: true, value: ['SUSPENDED'] });
  });
});
