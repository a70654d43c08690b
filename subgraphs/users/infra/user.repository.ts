import type { Role } from '../../../platform/auth/viewer.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { escapeLike } from '../../../platform/prisma/escape-like.ts';
import { isUniqueViolationOn } from '../../../platform/prisma/unique-violation.ts';
import type { User as UserRow } from '../__generated__/prisma/client.ts';
import type { AccountStatus } from '../domain/account.process.ts';
import type { User } from '../domain/user.ts';
import { piiContext, type PiiCipher } from './pii-cipher.ts';
import type { Prisma, UsersPrisma } from './prisma.ts';

export interface UserListCursor {
  createdAt: string;
  id: string;
}

export interface UserListQuery {
  search: string | null;
  status: AccountStatus | null;
  limit: number;
  after: UserListCursor | null;
}

export interface UserRepository {
  findById(id: string): Promise<User | null>;
  findByIds(ids: readonly string[]): Promise<User[]>;
  /** The account and its hash, for log-in only; the hash never leaves the auth service. */
  findCredentialsByEmail(email: string): Promise<{ user: User; passwordHash: string } | null>;
  /** Whether the normalised email has an account: one indexed read, no decryption. */
  emailTaken(email: string): Promise<boolean>;
  /** The account plus the id of its approved store, which is what an access token needs. */
  findForToken(id: string): Promise<{ user: User; approvedVendorId: string | null } | null>;
  /** EMAIL_TAKEN when the normalised email already has an account (the unique index decides). */
  create(data: { email: string; name: string; passwordHash: string; role?: Role }): Promise<Result<User, 'EMAIL_TAKEN'>>;
  updateProfile(id: string, changes: { name?: string; phone?: string | null }): Promise<User>;
  /**
   * Moves the account from `from` to `to` only if it is still in `from` (null when someone else
   * moved it first). Suspension revokes every session in the same transaction.
   */
  changeStatus(id: string, from: AccountStatus, to: AccountStatus, reason: string | null, at: Date): Promise<User | null>;
  /** Newest first; rows fetched with limit + 1 so the caller can tell whether a next page exists. */
  list(query: UserListQuery): Promise<{ rows: User[]; totalCount: number }>;
}

export function createUserRepository(db: UsersPrisma, cipher: PiiCipher): UserRepository {
  const toUser = (row: UserRow): User => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    phone: row.phoneEncrypted ? cipher.decrypt(row.phoneEncrypted, piiContext.phone(row.id)) : null,
    suspendedAt: row.suspendedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });

  const listFilter = (query: UserListQuery): Prisma.UserWhereInput => {
    const where: Prisma.UserWhereInput = {};
    if (query.status) where.status = query.status;
    if (query.search) {
      const pattern = escapeLike(query.search);
      where.OR = [
        { email: { contains: pattern, mode: 'insensitive' } },
        { name: { contains: pattern, mode: 'insensitive' } },
      ];
    }
    return where;
  };

  return {
    async findById(id) {
      const row = await db.user.findUnique({ where: { id } });
      return row ? toUser(row) : null;
    },
    async findByIds(ids) {
      const rows = await db.user.findMany({ where: { id: { in: [...ids] } } });
      return rows.map(toUser);
    },
    async findCredentialsByEmail(email) {
      const row = await db.user.findUnique({ where: { email } });
      return row ? { user: toUser(row), passwordHash: row.passwordHash } : null;
    },
    async emailTaken(email) {
      return (await db.user.findUnique({ where: { email }, select: { id: true } })) !== null;
    },
    async findForToken(id) {
      const row = await db.user.findUnique({
        where: { id },
        include: { vendors: { where: { status: 'APPROVED' }, select: { id: true }, take: 1 } },
      });
      return row ? { user: toUser(row), approvedVendorId: row.vendors[0]?.id ?? null } : null;
    },
    async create(data) {
      try {
        const row = await db.user.create({
          data: { email: data.email, name: data.name, passwordHash: data.passwordHash, role: data.role ?? 'CUSTOMER' },
        });
        return ok(toUser(row));
      } catch (error) {
        if (isUniqueViolationOn(error, 'email')) return fail('EMAIL_TAKEN');
        throw error;
      }
    },
    async updateProfile(id, changes) {
      const data: Prisma.UserUpdateInput = {};
      if (changes.name !== undefined) data.name = changes.name;
      if (changes.phone !== undefined) {
        data.phoneEncrypted = changes.phone === null ? null : cipher.encrypt(changes.phone, piiContext.phone(id));
      }
      return toUser(await db.user.update({ where: { id }, data }));
    },
    async changeStatus(id, from, to, reason, at) {
      return db.$transaction(async (tx) => {
        const moved = await tx.user.updateMany({
          where: { id, status: from },
          data: to === 'SUSPENDED' ? { status: to, suspendedAt: at, suspendedReason: reason } : { status: to, suspendedAt: null, suspendedReason: null },
        });
        if (moved.count === 0) return null;
        if (to === 'SUSPENDED') {
          await tx.refreshTokenFamily.updateMany({
            where: { userId: id, revokedAt: null },
            data: { revokedAt: at, revokedReason: 'account suspended' },
          });
        }
        const row = await tx.user.findUniqueOrThrow({ where: { id } });
        return toUser(row);
      });
    },
    async list(query) {
      const where = listFilter(query);
      const page: Prisma.UserWhereInput = query.after
        ? {
            AND: [
              where,
              {
                OR: [
                  { createdAt: { lt: new Date(query.after.createdAt) } },
                  { createdAt: new Date(query.after.createdAt), id: { lt: query.after.id } },
                ],
              },
            ],
          }
        : where;
      const [rows, totalCount] = await Promise.all([
        db.user.findMany({ where: page, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: query.limit + 1 }),
        db.user.count({ where }),
      ]);
      return { rows: rows.map(toUser), totalCount };
    },
  };
}
