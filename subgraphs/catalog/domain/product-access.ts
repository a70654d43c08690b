import type { Viewer } from '../../../platform/auth/viewer.ts';
import { ProductStatuses, type Product, type ProductStatus } from './product.ts';
import type { ListingScope } from './product-listing.ts';

/**
 * Who may do what with products. Access failures are thrown by the services (UNAUTHENTICATED or
 * FORBIDDEN), never returned as userErrors: a client cannot fix them by changing its input.
 */
export type Access<T = true> = { allowed: true; value: T } | { allowed: false; reason: 'UNAUTHENTICATED' | 'FORBIDDEN'; message: string };

const allow = <T>(value: T): Access<T> => ({ allowed: true, value });
const unauthenticated = <T>(): Access<T> => ({
  allowed: false,
  reason: 'UNAUTHENTICATED',
  message: 'You must be signed in to manage products.',
});
const forbidden = <T>(message: string): Access<T> => ({ allowed: false, reason: 'FORBIDDEN', message });

/** Vendors (for their own vendor) and admins manage products; customers and anonymous callers do not. */
export function canManageProducts(viewer: Viewer | null): Access {
  if (!viewer) return unauthenticated();
  if (viewer.role === 'ADMIN') return allow(true);
  if (viewer.role === 'VENDOR' && viewer.vendorId) return allow(true);
  return forbidden('Only vendors and admins can manage products.');
}

/** A vendor edits only products of its own vendor; an admin edits any. */
export function canEditProduct(viewer: Viewer | null, product: Pick<Product, 'vendorId'>): Access {
  const manager = canManageProducts(viewer);
  if (!manager.allowed) return manager;
  if (viewer?.role === 'ADMIN' || viewer?.vendorId === product.vendorId) return allow(true);
  return forbidden('This product belongs to another vendor.');
}

/**
 * The vendor a new product belongs to. A vendor creates for itself (naming another vendor is
 * FORBIDDEN); an admin must name one, and `null` here means "missing" so the service can report
 * it as a userError on `input.vendorId`.
 */
export function vendorForNewProduct(viewer: Viewer | null, requestedVendorId: string | null | undefined): Access<string | null> {
  const manager = canManageProducts(viewer);
  if (!manager.allowed) return manager;
  if (viewer?.role === 'ADMIN') return allow(requestedVendorId ?? null);
  if (requestedVendorId && requestedVendorId !== viewer?.vendorId) {
    return forbidden('Vendors can only create products for their own store.');
  }
  return allow(viewer?.vendorId ?? null);
}

/**
 * How a product is being read: `direct` is `product(id|slug)`; `reference` is another subgraph
 * pointing at it (a past order's line), which must still resolve once the product is archived.
 */
export type ReadPurpose = 'direct' | 'reference';

/** Shoppers see ACTIVE products (and ARCHIVED ones they already bought); owners and admins see everything. */
export function canViewProduct(viewer: Viewer | null, product: Pick<Product, 'vendorId' | 'status'>, purpose: ReadPurpose): boolean {
  if (product.status === 'ACTIVE') return true;
  if (purpose === 'reference' && product.status === 'ARCHIVED') return true;
  if (!viewer) return false;
  return viewer.role === 'ADMIN' || (viewer.role === 'VENDOR' && viewer.vendorId === product.vendorId);
}

/** The public storefront lists only what is on sale. */
export const PUBLIC_LISTING: ListingScope = { statuses: ['ACTIVE'], vendorId: null };

/**
 * `myProducts`: a vendor sees all of its own products in every status (or one status), an admin
 * sees every vendor's.
 */
export function managementListing(viewer: Viewer | null, status: ProductStatus | null | undefined): Access<ListingScope> {
  const manager = canManageProducts(viewer);
  if (!manager.allowed) return manager;
  const statuses = status ? [status] : [...ProductStatuses];
  return allow({ statuses, vendorId: viewer?.role === 'ADMIN' ? null : (viewer?.vendorId ?? null) });
}

/** Categories shape the whole storefront, so only admins create them. */
export function canManageCategories(viewer: Viewer | null): Access {
  if (!viewer) return { allowed: false, reason: 'UNAUTHENTICATED', message: 'You must be signed in to manage categories.' };
  if (viewer.role === 'ADMIN') return allow(true);
  return forbidden('Only admins can manage categories.');
}
