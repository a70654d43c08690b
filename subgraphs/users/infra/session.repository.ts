import type { PresentedRefreshToken } from '../domain/refresh-token.ts';
import type { UsersPrisma } from './prisma.ts';

export interface StoredRefreshToken extends PresentedRefreshToken {
  tokenId: string;
  familyId: string;
  userId: string;
}

/** Refresh-token families (one per log-in) and their tokens, stored by sha256 hash only. */
export interface SessionRepository {
  /** A new family with its first token; its id is the session id access tokens carry. */
  start(userId: string, tokenHash: string, expiresAt: Date): Promise<{ familyId: string }>;
  findByHash(tokenHash: string): Promise<StoredRefreshToken | null>;
  /**
   * Marks the token rotated and stores its successor, only if it was still current and its
   * family live. False when a concurrent request rotated it first: the caller treats that as reuse.
   */
  rotate(current: StoredRefreshToken, successorHash: string, expiresAt: Date, at: Date): Promise<boolean>;
  revokeFamily(familyId: string, reason: string, at: Date): Promise<void>;
}

export function createSessionRepository(db: UsersPrisma): SessionRepository {
  return {
    async start(userId, tokenHash, expiresAt) {
      const family = await db.refreshTokenFamily.create({ data: { userId, tokens: { create: { tokenHash, expiresAt } } }, select: { id: true } });
      return { familyId: family.id };
    },
    async findByHash(tokenHash) {
      const row = await db.refreshToken.findUnique({
        where: { tokenHash },
        include: { family: { select: { userId: true, revokedAt: true, user: { select: { status: true } } } } },
      });
      if (!row) return null;
      return {
        tokenId: row.id,
        familyId: row.familyId,
        userId: row.family.userId,
        expiresAt: row.expiresAt,
        rotatedAt: row.rotatedAt,
        familyRevokedAt: row.family.revokedAt,
        accountStatus: row.family.user.status,
      };
    },
    async rotate(current, successorHash, expiresAt, at) {
      return db.$transaction(async (tx) => {
        // The conditions make the check-and-set atomic: of two requests racing with the same
        // token, exactly one sees count 1.
        const claimed = await tx.refreshToken.updateMany({
          where: { id: current.tokenId, rotatedAt: null, family: { revokedAt: null } },
          data: { rotatedAt: at },
        });
        if (claimed.count === 0) return false;
        await tx.refreshToken.create({ data: { familyId: current.familyId, tokenHash: successorHash, expiresAt } });
        return true;
      });
    },
    async revokeFamily(familyId, reason, at) {
      await db.refreshTokenFamily.updateMany({ where: { id: familyId, revokedAt: null }, data: { revokedAt: at, revokedReason: reason } });
    },
  };
}
