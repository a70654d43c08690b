import { notAllowed, signedIn } from '../../../platform/auth/access.ts';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { ok, type Result } from '../../../platform/errors/result.ts';
import { ProductStatuses, type Product, type ProductStatus } from './product.ts';
import type { ListingScope } from './product-listing.ts';

// Who may do what with products and categories. A refusal is UNAUTHENTICATED or FORBIDDEN; the
// services throw it (`valueOrThrow`) rather than return it as a userError, because a client
// cannot fix it by changing its input.

/** Vendors (for their own vendor) and admins manage products; customers and anonymous callers do not. */
export function canManageProducts(viewer: Viewer | null): Result<Viewer> {
  const caller = signedIn(viewer, 'You must be signed in to manage products.');
  if (!caller.ok) return caller;
  if (caller.value.role === 'ADMIN' || (caller.value.role === 'VENDOR' && caller.value.vendorId)) return caller;
  return notAllowed('Only vendors and admins can manage products.');
}

/** A vendor edits only products of its own vendor; an admin edits any. */
export function canEditProduct(viewer: Viewer | null, product: Pick<Product, 'vendorId'>): Result<Viewer> {
  const manager = canManageProducts(viewer);
  if (!manager.ok) return manager;
  if (manager.value.role === 'ADMIN' || manager.value.vendorId === product.vendorId) return manager;
  return notAllowed('This product belongs to another vendor.');
}

/**
 * The vendor a new product belongs to. A vendor creates for itself (naming another vendor is
 * FORBIDDEN); an admin must name one, and `null` here means "missing" so the service can report
 * it as a userError on `input.vendorId`.
 */
export function vendorForNewProduct(viewer: Viewer | null, requestedVendorId: string | null | undefined): Result<string | null> {
  const manager = canManageProducts(viewer);
  if (!manager.ok) return manager;
  if (manager.value.role === 'ADMIN') return ok(requestedVendorId ?? null);
  if (requestedVendorId && requestedVendorId !== manager.value.vendorId) return notAllowed('Vendors can only create products for their own store.');
  return ok(manager.value.vendorId);
}

/**
 * How a product is being read: `direct` is `product(id|slug)`; `reference` is another subgraph
 * pointing at it (a past order's line), which must still resolve once the product is archived.
 */
export type ReadPurpose = 'direct' | 'reference';

/**
 * Shoppers see ACTIVE products of stores that are not suspended (and ARCHIVED ones, or a
 * suspended store's, they already bought: `reference`); owners and admins see everything. Not a
 * refusal: an invisible product reads as null, exactly like a missing one.
 */
export function canViewProduct(viewer: Viewer | null, product: Pick<Product, 'vendorId' | 'status'>, purpose: ReadPurpose, vendorSuspended = false): boolean {
  if (product.status === 'ACTIVE' && (purpose === 'reference' || !vendorSuspended)) return true;
  if (purpose === 'reference' && product.status === 'ARCHIVED') return true;
  if (!viewer) return false;
  return viewer.role === 'ADMIN' || (viewer.role === 'VENDOR' && viewer.vendorId === product.vendorId);
}

/** The public storefront lists only what is on sale: active products of stores not suspended. */
export const PUBLIC_LISTING: ListingScope = { statuses: ['ACTIVE'], vendorId: null, hideSuspendedVendors: true };

/**
 * `myProducts`: a vendor sees all of its own products in every status (or one status), an admin
 * sees every vendor's.
 */
export function managementListing(viewer: Viewer | null, status: ProductStatus | null | undefined): Result<ListingScope> {
  const manager = canManageProducts(viewer);
  if (!manager.ok) return manager;
  const statuses = status ? [status] : [...ProductStatuses];
  return ok({ statuses, vendorId: manager.value.role === 'ADMIN' ? null : manager.value.vendorId });
}

/** Categories shape the whole storefront, so only admins create them. */
export function canManageCategories(viewer: Viewer | null): Result<Viewer> {
  const caller = signedIn(viewer, 'You must be signed in to manage categories.');
  if (!caller.ok) return caller;
  return caller.value.role === 'ADMIN' ? caller : notAllowed('Only admins can manage categories.');
}
