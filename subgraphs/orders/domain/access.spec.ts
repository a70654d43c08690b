import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { asAdmin, asCustomer, asVendor, orderVisibility } from './access.ts';

const customer: Viewer = { userId: 'c1', role: 'CUSTOMER', vendorId: null };
const otherCustomer: Viewer = { userId: 'c2', role: 'CUSTOMER', vendorId: null };
const vendor: Viewer = { userId: 'u3', role: 'VENDOR', vendorId: 'v1' };
const otherVendor: Viewer = { userId: 'u4', role: 'VENDOR', vendorId: 'v9' };
const admin: Viewer = { userId: 'a1', role: 'ADMIN', vendorId: null };

describe('who sees an order', () => {
  it.each([
    ['its customer', customer, { kind: 'ALL' }],
    ['an admin', admin, { kind: 'ALL' }],
    ['a vendor with a part in it', vendor, { kind: 'VENDOR', vendorId: 'v1' }],
    ['another vendor', otherVendor, { kind: 'NONE' }],
    ['another customer', otherCustomer, { kind: 'NONE' }],
    ['nobody signed in', null, { kind: 'NONE' }],
  ] as const)('%s', (_name, viewer, expected) => {
    expect(orderVisibility(viewer, { customerId: 'c1' }, ['v1', 'v2'])).toEqual(expected);
  });
});

describe('roles', () => {
  it('lets only customers order, only vendors read vendor orders, only admins read everything', () => {
    expect(asCustomer(customer).ok).toBe(true);
    expect(asCustomer(vendor)).toMatchObject({ ok: false, errors: [{ code: 'FORBIDDEN' }] });
    expect(asCustomer(null)).toMatchObject({ ok: false, errors: [{ code: 'UNAUTHENTICATED' }] });
    expect(asVendor(vendor)).toMatchObject({ ok: true, value: { vendorId: 'v1' } });
    expect(asVendor({ ...vendor, vendorId: null }).ok).toBe(false);
    expect(asVendor(admin).ok).toBe(false);
    expect(asAdmin(admin).ok).toBe(true);
    expect(asAdmin(customer).ok).toBe(false);
  });
});
