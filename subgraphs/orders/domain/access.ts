import { notAllowed, signedIn, withRole } from '../../../platform/auth/access.ts';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { ok, type Result } from '../../../platform/errors/result.ts';

// Who may do what with orders. A refusal is UNAUTHENTICATED or FORBIDDEN; the services throw it
// (`valueOrThrow`), because a client cannot fix it by changing its input. Not-yours is answered
// as not found (null, or a NOT_FOUND userError), never as FORBIDDEN, so ids reveal nothing.

/** Customers place their own orders and list them. */
export function asCustomer(viewer: Viewer | null): Result<Viewer> {
  return withRole(viewer, ['CUSTOMER'], 'Only customers can place or list their orders.');
}

/**
 * Who may cancel an order: its customer, or an admin (any order; fraud, a customer's phone call).
 * Either way only before any part of it shipped.
 */
export function asCanceller(viewer: Viewer | null): Result<Viewer> {
  return withRole(viewer, ['CUSTOMER', 'ADMIN'], 'Only the customer who placed an order, or an admin, can cancel it.');
}

/** A vendor account acting for its vendor. */
export function asVendor(viewer: Viewer | null): Result<Viewer & { vendorId: string }> {
  const caller = signedIn(viewer, 'You must be signed in to read vendor orders.');
  if (!caller.ok) return caller;
  const { vendorId } = caller.value;
  if (caller.value.role !== 'VENDOR' || !vendorId) return notAllowed('Only vendors have vendor orders.');
  return ok({ ...caller.value, vendorId });
}

/** Admins see every order and the order statistics. */
export function asAdmin(viewer: Viewer | null): Result<Viewer> {
  return withRole(viewer, ['ADMIN'], 'Only admins can read all orders.');
}

/** How much of one order a caller sees: all of it, one vendor's part, or nothing. */
export type OrderVisibility = { kind: 'ALL' } | { kind: 'VENDOR'; vendorId: string } | { kind: 'NONE' };

/**
 * The customer who placed it and admins see the whole order; a vendor with a part in it sees
 * that part only (its vendor order, its lines, their money, the address to ship to); anyone
 * else nothing.
 */
export function orderVisibility(viewer: Viewer | null, order: { customerId: string }, vendorIds: readonly string[]): OrderVisibility {
  if (!viewer) return { kind: 'NONE' };
  if (viewer.role === 'ADMIN') return { kind: 'ALL' };
  if (viewer.role === 'CUSTOMER' && viewer.userId === order.customerId) return { kind: 'ALL' };
  if (viewer.role === 'VENDOR' && viewer.vendorId && vendorIds.includes(viewer.vendorId)) return { kind: 'VENDOR', vendorId: viewer.vendorId };
  return { kind: 'NONE' };
}
