import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import {
  canEditProduct,
  canManageCategories,
  canManageProducts,
  canViewProduct,
  managementListing,
  vendorForNewProduct,
} from './access.ts';

const vendorA = randomUUID();
const vendorB = randomUUID();
const admin: Viewer = { userId: randomUUID(), role: 'ADMIN', vendorId: null };
const customer: Viewer = { userId: randomUUID(), role: 'CUSTOMER', vendorId: null };
const ownerA: Viewer = { userId: randomUUID(), role: 'VENDOR', vendorId: vendorA };
const ownerB: Viewer = { userId: randomUUID(), role: 'VENDOR', vendorId: vendorB };
const vendorWithoutStore: Viewer = { userId: randomUUID(), role: 'VENDOR', vendorId: null };

describe('canManageProducts', () => {
  it('refuses anonymous callers as UNAUTHENTICATED', () => {
    expect(canManageProducts(null)).toEqual({
      ok: false,
      errors: [{ code: 'UNAUTHENTICATED', field: null, message: 'You must be signed in to manage products.' }],
    });
  });
  it.each([customer, vendorWithoutStore])('refuses %j as FORBIDDEN', (viewer) => {
    expect(canManageProducts(viewer)).toEqual({
      ok: false,
      errors: [{ code: 'FORBIDDEN', field: null, message: 'Only vendors and admins can manage products.' }],
    });
  });
  it.each([admin, ownerA])('allows %j', (viewer) => {
    expect(canManageProducts(viewer).ok).toBe(true);
  });
});

describe('canEditProduct (ownership)', () => {
  const productOfA = { vendorId: vendorA };
  it('lets a vendor edit its own product', () => expect(canEditProduct(ownerA, productOfA).ok).toBe(true));
  it("forbids a vendor to edit another vendor's product", () => {
    expect(canEditProduct(ownerB, productOfA)).toMatchObject({ ok: false, errors: [{ code: 'FORBIDDEN' }] });
  });
  it('lets an admin edit any product', () => expect(canEditProduct(admin, productOfA).ok).toBe(true));
  it('forbids customers and needs a sign-in', () => {
    expect(canEditProduct(customer, productOfA)).toMatchObject({ ok: false, errors: [{ code: 'FORBIDDEN' }] });
    expect(canEditProduct(null, productOfA)).toMatchObject({ ok: false, errors: [{ code: 'UNAUTHENTICATED' }] });
  });
});

describe('vendorForNewProduct', () => {
  it('uses the vendor’s own store when none is named', () => {
    expect(vendorForNewProduct(ownerA, null)).toEqual({ ok: true, value: vendorA });
    expect(vendorForNewProduct(ownerA, vendorA)).toEqual({ ok: true, value: vendorA });
  });
  it('forbids a vendor to create for another store', () => {
    expect(vendorForNewProduct(ownerA, vendorB)).toMatchObject({ ok: false, errors: [{ code: 'FORBIDDEN' }] });
  });
  it('lets an admin create for any vendor and reports a missing one as null', () => {
    expect(vendorForNewProduct(admin, vendorB)).toEqual({ ok: true, value: vendorB });
    expect(vendorForNewProduct(admin, undefined)).toEqual({ ok: true, value: null });
  });
  it('refuses customers and anonymous callers', () => {
    expect(vendorForNewProduct(customer, vendorA)).toMatchObject({ ok: false, errors: [{ code: 'FORBIDDEN' }] });
    expect(vendorForNewProduct(null, vendorA)).toMatchObject({ ok: false, errors: [{ code: 'UNAUTHENTICATED' }] });
  });
});

describe('canViewProduct', () => {
  const draftOfA = { vendorId: vendorA, status: 'DRAFT' as const };
  const archivedOfA = { vendorId: vendorA, status: 'ARCHIVED' as const };
  const activeOfA = { vendorId: vendorA, status: 'ACTIVE' as const };
  it('shows ACTIVE products to everyone', () => {
    for (const viewer of [null, customer, ownerB, admin]) expect(canViewProduct(viewer, activeOfA, 'direct')).toBe(true);
  });
  it('hides drafts from everyone but their vendor and admins', () => {
    expect(canViewProduct(null, draftOfA, 'direct')).toBe(false);
    expect(canViewProduct(customer, draftOfA, 'reference')).toBe(false);
    expect(canViewProduct(ownerB, draftOfA, 'direct')).toBe(false);
    expect(canViewProduct(ownerA, draftOfA, 'direct')).toBe(true);
    expect(canViewProduct(admin, draftOfA, 'direct')).toBe(true);
  });
  it('resolves archived products for references (past orders) but not for direct reads by shoppers', () => {
    expect(canViewProduct(customer, archivedOfA, 'reference')).toBe(true);
    expect(canViewProduct(customer, archivedOfA, 'direct')).toBe(false);
    expect(canViewProduct(ownerA, archivedOfA, 'direct')).toBe(true);
  });
});

describe('managementListing', () => {
  it('scopes a vendor to its own products in every status', () => {
    expect(managementListing(ownerA, null)).toEqual({
      ok: true,
      value: { statuses: ['DRAFT', 'ACTIVE', 'ARCHIVED'], vendorId: vendorA },
    });
  });
  it('gives admins every vendor, optionally one status', () => {
    expect(managementListing(admin, 'DRAFT')).toEqual({ ok: true, value: { statuses: ['DRAFT'], vendorId: null } });
  });
  it('refuses customers and anonymous callers', () => {
    expect(managementListing(customer, null)).toMatchObject({ ok: false, errors: [{ code: 'FORBIDDEN' }] });
    expect(managementListing(null, null)).toMatchObject({ ok: false, errors: [{ code: 'UNAUTHENTICATED' }] });
  });
});

describe('canManageCategories', () => {
  it('is for admins only', () => {
    expect(canManageCategories(admin).ok).toBe(true);
    expect(canManageCategories(ownerA)).toMatchObject({ ok: false, errors: [{ code: 'FORBIDDEN' }] });
    expect(canManageCategories(null)).toMatchObject({ ok: false, errors: [{ code: 'UNAUTHENTICATED', message: 'You must be signed in to manage categories.' }] });
  });
});
