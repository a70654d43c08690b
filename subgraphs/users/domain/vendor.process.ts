import { UsersErrorCodes } from './error-codes.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { defineProcess } from '../../../platform/process/process-table.ts';

export const VendorStatuses = ['PENDING', 'APPROVED', 'REJECTED', 'SUSPENDED'] as const;
export type VendorStatus = (typeof VendorStatuses)[number];

/**
 * A store's lifecycle. An application waits for an admin (PENDING), who approves or rejects it.
 * Rejection is final for that application (the owner may apply again with a new one); an approved
 * store can be suspended and reinstated.
 */
export const vendorProcess = defineProcess<VendorStatus>('vendor', 'PENDING', {
  PENDING: ['APPROVED', 'REJECTED'],
  APPROVED: ['SUSPENDED'],
  REJECTED: [],
  SUSPENDED: ['APPROVED'],
});

const describe: Record<VendorStatus, string> = {
  PENDING: 'pending review',
  APPROVED: 'approved',
  REJECTED: 'rejected',
  SUSPENDED: 'suspended',
};

/** The move from `from` to `to`, or VENDOR_ILLEGAL_TRANSITION explaining why not. */
export function moveVendor(from: VendorStatus, to: VendorStatus): Result<VendorStatus> {
  if (vendorProcess.canMove(from, to)) return ok(to);
  return fail(
    userError(UsersErrorCodes.VENDOR_ILLEGAL_TRANSITION, `This store is ${describe[from]}; it cannot become ${describe[to]}.`),
  );
}

/**
 * What other services must hear about a move: a store leaving sale (suspended) or coming back
 * (reinstated). Approval of a new application announces nothing yet: no other service holds
 * anything for a store before it is approved.
 */
export function vendorStatusAnnouncement(from: VendorStatus, to: VendorStatus): 'SUSPENDED' | 'REINSTATED' | null {
  if (to === 'SUSPENDED') return 'SUSPENDED';
  if (from === 'SUSPENDED' && to === 'APPROVED') return 'REINSTATED';
  return null;
}

/** Only these stores are visible to the public and may act as vendors. */
export const isPublicVendorStatus = (status: VendorStatus): boolean => status === 'APPROVED';

/** A store in these states holds its slug and counts as its owner's one store. */
export const holdsSlug = (status: VendorStatus): boolean => status !== 'REJECTED';
