import type { AccountStatus } from './account.process.ts';
import { canSignIn } from './account.process.ts';

/** What the store knows about a presented refresh token (found by its hash). */
export interface PresentedRefreshToken {
  expiresAt: Date;
  /** When it was exchanged for its successor; null while it is the family's current token. */
  rotatedAt: Date | null;
  familyRevokedAt: Date | null;
  accountStatus: AccountStatus;
}

/**
 * - `rotate`: issue the successor and mark this one rotated;
 * - `reuse`: an already-rotated token came back, so it was copied: revoke the whole family;
 * - `suspended`: the account may not hold sessions: revoke the family, refuse;
 * - `invalid`: unknown, expired or from a revoked family: refuse, change nothing.
 */
export type RefreshDecision = 'rotate' | 'reuse' | 'suspended' | 'invalid';

/**
 * A suspended account is named as such first (its sessions were revoked when it was suspended,
 * but "suspended" tells the holder more than "invalid"). Then reuse: a rotated token presented
 * again signals a copy even when its family is already revoked or it has expired, and answering
 * it the same way every time tells the legitimate client to sign in again.
 */
export function decideRefresh(token: PresentedRefreshToken | null, now: Date): RefreshDecision {
  if (!token) return 'invalid';
  if (!canSignIn(token.accountStatus)) return 'suspended';
  if (token.rotatedAt) return 'reuse';
  if (token.familyRevokedAt) return 'invalid';
  if (token.expiresAt.getTime() <= now.getTime()) return 'invalid';
  return 'rotate';
}
