import { UsersErrorCodes } from './error-codes.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { defineProcess } from '../../../platform/process/process-table.ts';

export const AccountStatuses = ['ACTIVE', 'SUSPENDED'] as const;
export type AccountStatus = (typeof AccountStatuses)[number];

/** An account is active until an admin suspends it; a suspended account can be reactivated. */
export const accountProcess = defineProcess<AccountStatus>('account', 'ACTIVE', {
  ACTIVE: ['SUSPENDED'],
  SUSPENDED: ['ACTIVE'],
});

export function moveAccount(from: AccountStatus, to: AccountStatus): Result<AccountStatus> {
  if (accountProcess.canMove(from, to)) return ok(to);
  return fail(
    userError(
      UsersErrorCodes.ACCOUNT_ILLEGAL_TRANSITION,
      from === 'SUSPENDED' ? 'This account is already suspended.' : 'This account is already active.',
    ),
  );
}

/** What the account may still do; suspended accounts can neither log in nor refresh. */
export const canSignIn = (status: AccountStatus): boolean => status === 'ACTIVE';
