import { notAllowed, withRole } from '../../../platform/auth/access.ts';
import type { Role, Viewer } from '../../../platform/auth/viewer.ts';
import { ok, type Result } from '../../../platform/errors/result.ts';
import type { VendorStatus } from './vendor.process.ts';

/** The claims an access token carries: who, what role, for a vendor which store, and which session. */
export interface AccessClaims {
  sub: string;
  role: Role;
  vid: string | null;
  /** The refresh-token family (one per sign-in): ending it ends every access token it issued. */
  sid: string;
}

/**
 * Claims from the stored account and its approved store (if any). A VENDOR without an approved
 * store (suspended meanwhile) gets customer rights: the token must never grant more than the data.
 */
export function accessClaimsFor(user: { id: string; role: Role }, approvedVendorId: string | null, sessionId: string): AccessClaims {
  if (user.role === 'ADMIN') return { sub: user.id, role: 'ADMIN', vid: null, sid: sessionId };
  if (user.role === 'VENDOR' && approvedVendorId) return { sub: user.id, role: 'VENDOR', vid: approvedVendorId, sid: sessionId };
  return { sub: user.id, role: 'CUSTOMER', vid: null, sid: sessionId };
}

/**
 * The owner's stored role once their store reaches `status`: approval makes them a VENDOR,
 * suspension takes it back. Admins keep ADMIN whatever happens to a store they own.
 */
export function ownerRoleFor(currentRole: Role, status: VendorStatus): Role {
  if (currentRole === 'ADMIN') return 'ADMIN';
  return status === 'APPROVED' ? 'VENDOR' : 'CUSTOMER';
}

/** Account administration and store reviews: administrators only. */
export function asAdmin(viewer: Viewer | null): Result<Viewer> {
  return withRole(viewer, ['ADMIN'], 'Only administrators can do this.');
}

/**
 * Email, phone, addresses, role and status are visible to the account itself and to admins only.
 * `signedInNow` holds accounts this very request signed in (sign-up, log-in, refresh): the caller
 * has no token yet but has just proven who they are, so their own payload may show these fields.
 * Anyone else is FORBIDDEN, anonymous callers included: the account exists, it is just not theirs.
 */
export function canSeePrivateProfile(viewer: Viewer | null, userId: string, signedInNow: ReadonlySet<string>): Result<true> {
  if (signedInNow.has(userId) || viewer?.role === 'ADMIN' || viewer?.userId === userId) return ok(true);
  return notAllowed('Only this account and administrators can see this.');
}

/** Non-public stores (pending, rejected, suspended) and their reasons: their owner and admins. */
export function canSeeVendorInternals(viewer: Viewer | null, ownerId: string, signedInNow: ReadonlySet<string>): Result<true> {
  return canSeePrivateProfile(viewer, ownerId, signedInNow);
}

/**
 * Which statuses `vendors(status)` may list for this caller; null means every status. Everyone
 * sees approved stores; only admins may ask for another status, or for all of them.
 */
export function listableVendorStatuses(viewer: Viewer | null, status: VendorStatus | null): Result<VendorStatus[] | null> {
  if (viewer?.role === 'ADMIN') return ok(status ? [status] : null);
  if (status === null || status === 'APPROVED') return ok(['APPROVED']);
  return notAllowed('Only administrators can list stores that are not approved.');
}
