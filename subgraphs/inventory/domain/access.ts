import { notAllowed, signedIn } from '../../../platform/auth/access.ts';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { ok, type Result } from '../../../platform/errors/result.ts';

// Who may move stock. A refusal is UNAUTHENTICATED or FORBIDDEN; the services throw it
// (`valueOrThrow`), because a client cannot fix it by changing its input.

/** Admins and vendors (acting for their vendor) manage stock; customers and anonymous callers never. */
export function canManageStock(viewer: Viewer | null): Result<Viewer> {
  const caller = signedIn(viewer, 'You must be signed in to manage stock.');
  if (!caller.ok) return caller;
  if (caller.value.role === 'ADMIN' || (caller.value.role === 'VENDOR' && caller.value.vendorId)) return caller;
  return notAllowed('Only vendors and admins can manage stock.');
}

/**
 * A vendor moves only stock of variants its own vendor owns (the owner recorded at the first
 * receipt); an admin any. `owner` null: inventory does not know the variant yet.
 */
export function canMoveStockOf(viewer: Viewer | null, owner: string | null): Result<Viewer> {
  const manager = canManageStock(viewer);
  if (!manager.ok) return manager;
  if (manager.value.role === 'ADMIN') return manager;
  if (owner === null || owner === manager.value.vendorId) return manager;
  return notAllowed('This variant belongs to another vendor.');
}

/**
 * The vendor a first receipt records as the variant's owner: a vendor's own (naming another is
 * FORBIDDEN); for an admin the one named, or null ("missing", a userError for the service).
 */
export function ownerForFirstReceipt(viewer: Viewer | null, requestedVendorId: string | null | undefined): Result<string | null> {
  const manager = canManageStock(viewer);
  if (!manager.ok) return manager;
  if (manager.value.role === 'ADMIN') return ok(requestedVendorId?.toLowerCase() ?? null);
  if (requestedVendorId && requestedVendorId.toLowerCase() !== manager.value.vendorId) return notAllowed('Vendors can only stock their own variants.');
  return ok(manager.value.vendorId);
}

/** The audit trail: admins, and the vendor that owns the variant. An unknown variant reads as the owner's (empty) trail only for admins. */
export function canReadMovements(viewer: Viewer | null, owner: string | null): Result<Viewer> {
  const manager = canManageStock(viewer);
  if (!manager.ok) return manager;
  if (manager.value.role === 'ADMIN' || (owner !== null && owner === manager.value.vendorId)) return manager;
  return notAllowed('Only the vendor that owns this variant and admins can read its stock movements.');
}

/** A variant's low-stock threshold: admins, and the vendor recorded as its owner (so after its first receipt). */
export function canSetLowStockThreshold(viewer: Viewer | null, owner: string | null): Result<Viewer> {
  const manager = canManageStock(viewer);
  if (!manager.ok) return manager;
  if (manager.value.role === 'ADMIN' || (owner !== null && owner === manager.value.vendorId)) return manager;
  return notAllowed('Only the vendor that owns this variant and admins can set its low-stock threshold.');
}

/** Warehouses are part of the platform's operations, so only admins add them. */
export function canManageLocations(viewer: Viewer | null): Result<Viewer> {
  const caller = signedIn(viewer, 'You must be signed in to manage warehouses.');
  if (!caller.ok) return caller;
  return caller.value.role === 'ADMIN' ? caller : notAllowed('Only admins can add warehouses.');
}
