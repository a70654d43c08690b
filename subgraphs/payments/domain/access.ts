import { notAllowed, signedIn, withRole } from '../../../platform/auth/access.ts';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { ok, type Result } from '../../../platform/errors/result.ts';

// Who may see and move money. A refusal is UNAUTHENTICATED or FORBIDDEN; the services throw it
// (`valueOrThrow`), because a client cannot fix it by changing its input.

/** Cards are tokenized by the shoppers who will pay with them. */
export function canTokenizeCard(viewer: Viewer | null): Result<Viewer> {
  return withRole(viewer, ['CUSTOMER'], 'Only customers tokenize cards.');
}

/** Capturing and refunding by hand is the platform's operations, so admins only. */
export function canOperatePayments(viewer: Viewer | null): Result<Viewer> {
  return withRole(viewer, ['ADMIN'], 'Only admins capture or refund payments.');
}

/** Looking a payment up at all needs a signed-in caller (whether it is theirs is canReadPayment). */
export function canLookUpPayments(viewer: Viewer | null): Result<Viewer> {
  return signedIn(viewer, 'You must be signed in to see a payment.');
}

/** A payment: the customer who pays it, a vendor with a share of it, and admins. */
export function canReadPayment(viewer: Viewer | null, payment: { customerId: string; vendorShares: readonly { vendorId: string }[] }): Result<Viewer> {
  const caller = signedIn(viewer, 'You must be signed in to see a payment.');
  if (!caller.ok) return caller;
  const { role, userId, vendorId } = caller.value;
  if (role === 'ADMIN') return caller;
  if (role === 'CUSTOMER' && userId === payment.customerId) return caller;
  if (role === 'VENDOR' && vendorId && payment.vendorShares.some((share) => share.vendorId === vendorId)) return caller;
  return notAllowed('This payment is not yours.');
}

/**
 * Whose ledger the caller reads: a vendor its own (naming another is FORBIDDEN), an admin the one
 * named (or, for entries, everyone's when none is named: `null`).
 */
export function ledgerVendorFor(viewer: Viewer | null, requested: string | null | undefined): Result<string | null> {
  const caller = withRole(viewer, ['VENDOR', 'ADMIN'], 'Only vendors and admins read the ledger.');
  if (!caller.ok) return caller;
  if (caller.value.role === 'ADMIN') return ok(requested?.toLowerCase() ?? null);
  const own = caller.value.vendorId;
  if (!own) return notAllowed('This account acts for no vendor.');
  if (requested && requested.toLowerCase() !== own) return notAllowed('Vendors read only their own balance and ledger.');
  return ok(own);
}
