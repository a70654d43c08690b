import type { Role, Viewer } from '../../../platform/auth/viewer.ts';
import type { VendorStatus } from './vendor.process.ts';

/** The claims an access token carries: who, what role, and for a vendor which store. */
export interface AccessClaims {
  sub: string;
  role: Role;
  vid: string | null;
}

/**
 * Claims from the stored account and its approved store (if any). A VENDOR without an approved
 * store (suspended meanwhile) gets customer rights: the token must never grant more than the data.
 */
export function accessClaimsFor(user: { id: string; role: Role }, approvedVendorId: string | null): AccessClaims {
  if (user.role === 'ADMIN') return { sub: user.id, role: 'ADMIN', vid: null };
  if (user.role === 'VENDOR' && approvedVendorId) return { sub: user.id, role: 'VENDOR', vid: approvedVendorId };
  return { sub: user.id, role: 'CUSTOMER', vid: null };
}

/**
 * The owner's stored role once their store reaches `status`: approval makes them a VENDOR,
 * suspension takes it back. Admins keep ADMIN whatever happens to a store they own.
 */
export function ownerRoleFor(currentRole: Role, status: VendorStatus): Role {
  if (currentRole === 'ADMIN') return 'ADMIN';
  return status === 'APPROVED' ? 'VENDOR' : 'CUSTOMER';
}

/**
 * Email, phone, addresses, role and status are visible to the account itself and to admins only.
 * `signedInNow` holds accounts this very request signed in (sign-up, log-in, refresh): the caller
 * has no token yet but has just proven who they are, so their own payload may show these fields.
 */
export function canSeePrivateProfile(viewer: Viewer | null, userId: string, signedInNow: ReadonlySet<string> = new Set()): boolean {
  return signedInNow.has(userId) || (viewer !== null && (viewer.role === 'ADMIN' || viewer.userId === userId));
}

/** Non-public stores (pending, rejected, suspended) and rejection reasons: their owner and admins. */
export function canSeeVendorInternals(viewer: Viewer | null, ownerId: string, signedInNow: ReadonlySet<string> = new Set()): boolean {
  return canSeePrivateProfile(viewer, ownerId, signedInNow);
}

export const isAdminViewer = (viewer: Viewer | null): viewer is Viewer => viewer?.role === 'ADMIN';
