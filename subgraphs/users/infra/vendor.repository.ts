import type { Role } from '../../../platform/auth/viewer.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { writeOutboxEntry, type OutboxEntry } from '../../../platform/messaging/outbox.ts';
import { isUniqueViolationOn } from '../../../platform/prisma/unique-violation.ts';
import type { Vendor as VendorRow } from '../__generated__/prisma/client.ts';
import type { VendorStatus } from '../domain/vendor.process.ts';
import type { Vendor } from '../domain/vendor.ts';
import type { Prisma, UsersPrisma } from './prisma.ts';

export interface VendorListCursor {
  name: string;
  id: string;
}

export interface VendorListQuery {
  /** null: every status. */
  statuses: VendorStatus[] | null;
  limit: number;
  after: VendorListCursor | null;
}

export interface VendorStatusChange {
  from: VendorStatus;
  to: VendorStatus;
  /** Stored for REJECTED (shown to the owner) and SUSPENDED; cleared otherwise. */
  reason: string | null;
  decidedBy: string;
  at: Date;
  /** The owner's stored role once the store is in `to` (domain/access.ts decides). */
  ownerRole: (currentRole: Role) => Role;
  /** The event announcing the move, written to the outbox in the same transaction (null: none). */
  announce: OutboxEntry | null;
}

export interface VendorRepository {
  findById(id: string): Promise<Vendor | null>;
  findByIds(ids: readonly string[]): Promise<Vendor[]>;
  /** The store holding this slug (rejected applications hold none). */
  findBySlug(slug: string): Promise<Vendor | null>;
  /** Per owner, their current store, or else their latest (rejected) application. */
  findLatestByOwners(ownerIds: readonly string[]): Promise<Vendor[]>;
  /**
   * A PENDING store. The partial unique indexes (among stores that are not rejected) answer
   * SLUG_TAKEN or APPLICATION_EXISTS (the owner already has one).
   */
  create(data: { ownerId: string; name: string; slug: string; description: string | null }): Promise<Result<Vendor, 'SLUG_TAKEN' | 'APPLICATION_EXISTS'>>;
  /** Applies the change only if the store is still in `from`, with the owner's role, atomically; null if it moved meanwhile. */
  changeStatus(id: string, change: VendorStatusChange): Promise<Vendor | null>;
  /** By name, then id; rows fetched with limit + 1. */
  list(query: VendorListQuery): Promise<{ rows: Vendor[]; totalCount: number }>;
}

const toVendor = (row: VendorRow): Vendor => ({
  id: row.id,
  ownerId: row.ownerId,
  name: row.name,
  slug: row.slug,
  description: row.description,
  status: row.status,
  statusReason: row.statusReason,
  decidedAt: row.decidedAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export function createVendorRepository(db: UsersPrisma): VendorRepository {
  return {
    async findById(id) {
      const row = await db.vendor.findUnique({ where: { id } });
      return row ? toVendor(row) : null;
    },
    async findByIds(ids) {
      return (await db.vendor.findMany({ where: { id: { in: [...ids] } } })).map(toVendor);
    },
    async findBySlug(slug) {
      const row = await db.vendor.findFirst({ where: { slug, status: { not: 'REJECTED' } } });
      return row ? toVendor(row) : null;
    },
    async findLatestByOwners(ownerIds) {
      const rows = await db.vendor.findMany({ where: { ownerId: { in: [...ownerIds] } }, orderBy: [{ createdAt: 'desc' }] });
      const byOwner = new Map<string, VendorRow>();
      for (const row of rows) {
        const current = byOwner.get(row.ownerId);
        // A live store wins over any rejected application; otherwise the newest application.
        if (!current || (current.status === 'REJECTED' && row.status !== 'REJECTED')) byOwner.set(row.ownerId, row);
      }
      return [...byOwner.values()].map(toVendor);
    },
    async create(data) {
      try {
        return ok(toVendor(await db.vendor.create({ data: { ...data, status: 'PENDING' } })));
      } catch (error) {
        if (isUniqueViolationOn(error, 'slug')) return fail('SLUG_TAKEN');
        // `owner` matches both the column (owner_id) and the index (vendors_owner_active_key).
        if (isUniqueViolationOn(error, 'owner')) return fail('APPLICATION_EXISTS');
        throw error;
      }
    },
    async changeStatus(id, change) {
      return db.$transaction(async (tx) => {
        const moved = await tx.vendor.updateMany({
          where: { id, status: change.from },
          data: {
            status: change.to,
            statusReason: change.to === 'REJECTED' || change.to === 'SUSPENDED' ? change.reason : null,
            decidedAt: change.at,
            decidedBy: change.decidedBy,
          },
        });
        if (moved.count === 0) return null;
        const vendor = await tx.vendor.findUniqueOrThrow({ where: { id }, include: { owner: { select: { role: true } } } });
        const role = change.ownerRole(vendor.owner.role);
        if (role !== vendor.owner.role) await tx.user.update({ where: { id: vendor.ownerId }, data: { role } });
        if (change.announce) await writeOutboxEntry(tx, change.announce);
        return toVendor(vendor);
      });
    },
    async list(query) {
      const where: Prisma.VendorWhereInput = query.statuses ? { status: { in: query.statuses } } : {};
      const page: Prisma.VendorWhereInput = query.after
        ? {
            AND: [
              where,
              { OR: [{ name: { gt: query.after.name } }, { name: query.after.name, id: { gt: query.after.id } }] },
            ],
          }
        : where;
      const [rows, totalCount] = await Promise.all([
        db.vendor.findMany({ where: page, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: query.limit + 1 }),
        db.vendor.count({ where }),
      ]);
      return { rows: rows.map(toVendor), totalCount };
    },
  };
}
