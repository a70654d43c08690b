import type { PartnerApiKey as KeyRow, PartnerApp as AppRow, PartnerManifest as ManifestRow } from '../__generated__/prisma/client.ts';
import type { ManifestOperation, PartnerApiKey, PartnerApp, PartnerManifest } from '../domain/partner-app.ts';
import type { Prisma, UsersPrisma } from './prisma.ts';

export interface PartnerAppListCursor {
  createdAt: string;
  id: string;
}

/** What is stored of a new key (domain/partner-app.ts `storedKeyParts`). */
export interface NewKey {
  hash: string;
  prefix: string;
  last4: string;
}

export interface PartnerAppRepository {
  /** The app and its first key, in one transaction. */
  create(data: { name: string; key: NewKey }): Promise<{ app: PartnerApp; key: PartnerApiKey }>;
  findById(id: string): Promise<PartnerApp | null>;
  /** Oldest first, then by id; rows fetched with limit + 1. */
  list(query: { limit: number; after: PartnerAppListCursor | null }): Promise<{ rows: PartnerApp[]; totalCount: number }>;
  /** Every key of these apps (revoked and ended ones too), oldest first. */
  keysOf(appIds: readonly string[]): Promise<PartnerApiKey[]>;
  findKey(id: string): Promise<PartnerApiKey | null>;
  /**
   * Adds a key and makes every other live key of the app end at `endAt` at the latest (a key that
   * already ends sooner keeps its end), in one transaction. Returns the new key and the keys it cut short.
   */
  rotate(appId: string, key: NewKey, endAt: Date): Promise<{ key: PartnerApiKey; shortened: PartnerApiKey[] }>;
  /** Marks the key revoked unless it already is; null when it was (or does not exist). */
  revokeKey(id: string, at: Date): Promise<PartnerApiKey | null>;
  findManifests(appIds: readonly string[]): Promise<PartnerManifest[]>;
  /** Replaces the app's manifest with the next version. */
  publishManifest(appId: string, operations: ManifestOperation[], at: Date): Promise<PartnerManifest>;
  /** Everything the Redis mirror holds, for a resync: the keys not revoked whose end has not passed, and every manifest. */
  /** The hashes of every revoked key. */
  revokedHashes(): Promise<string[]>;
  mirrorSource(now: Date): Promise<{ keys: (PartnerApiKey & { appStatus: PartnerApp['status'] })[]; revokedHashes: string[]; manifests: PartnerManifest[] }>;
}

const toApp = (row: AppRow): PartnerApp => ({ id: row.id, name: row.name, status: row.status, createdAt: row.createdAt });

const toKey = (row: KeyRow): PartnerApiKey => ({
  id: row.id,
  appId: row.appId,
  hash: row.hash,
  prefix: row.prefix,
  last4: row.last4,
  createdAt: row.createdAt,
  notAfter: row.notAfter,
  revokedAt: row.revokedAt,
});

// Written only by publishManifest from validated operations, so the stored JSON has this shape.
const toManifest = (row: ManifestRow): PartnerManifest => ({
  appId: row.appId,
  operations: row.operations as unknown as ManifestOperation[],
  version: row.version,
  publishedAt: row.publishedAt,
});

export function createPartnerAppRepository(db: UsersPrisma): PartnerAppRepository {
  return {
    async create(data) {
      return db.$transaction(async (tx) => {
        const app = await tx.partnerApp.create({ data: { name: data.name } });
        const key = await tx.partnerApiKey.create({ data: { appId: app.id, ...data.key } });
        return { app: toApp(app), key: toKey(key) };
      });
    },
    async findById(id) {
      const row = await db.partnerApp.findUnique({ where: { id } });
      return row ? toApp(row) : null;
    },
    async list(query) {
      const after = query.after;
      const where: Prisma.PartnerAppWhereInput = after
        ? { OR: [{ createdAt: { gt: new Date(after.createdAt) } }, { createdAt: new Date(after.createdAt), id: { gt: after.id } }] }
        : {};
      const [rows, totalCount] = await Promise.all([
        db.partnerApp.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: query.limit + 1 }),
        db.partnerApp.count(),
      ]);
      return { rows: rows.map(toApp), totalCount };
    },
    async keysOf(appIds) {
      const rows = await db.partnerApiKey.findMany({ where: { appId: { in: [...appIds] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toKey);
    },
    async findKey(id) {
      const row = await db.partnerApiKey.findUnique({ where: { id } });
      return row ? toKey(row) : null;
    },
    async rotate(appId, key, endAt) {
      return db.$transaction(async (tx) => {
        const live: Prisma.PartnerApiKeyWhereInput = { appId, revokedAt: null, OR: [{ notAfter: null }, { notAfter: { gt: endAt } }] };
        const toShorten = await tx.partnerApiKey.findMany({ where: live });
        await tx.partnerApiKey.updateMany({ where: { id: { in: toShorten.map((row) => row.id) } }, data: { notAfter: endAt } });
        const created = await tx.partnerApiKey.create({ data: { appId, ...key } });
        return { key: toKey(created), shortened: toShorten.map((row) => toKey({ ...row, notAfter: endAt })) };
      });
    },
    async revokeKey(id, at) {
      // Conditional, so two revocations racing record the first time only.
      const { count } = await db.partnerApiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
      if (count === 0) return null;
      const row = await db.partnerApiKey.findUnique({ where: { id } });
      return row ? toKey(row) : null;
    },
    async findManifests(appIds) {
      return (await db.partnerManifest.findMany({ where: { appId: { in: [...appIds] } } })).map(toManifest);
    },
    async publishManifest(appId, operations, at) {
      const json = operations as unknown as Prisma.InputJsonValue;
      // The upsert's increment is atomic, so two publishes racing get two versions.
      const row = await db.partnerManifest.upsert({
        where: { appId },
        create: { appId, operations: json, version: 1, publishedAt: at },
        update: { operations: json, version: { increment: 1 }, publishedAt: at },
      });
      return toManifest(row);
    },
    async revokedHashes() {
      return (await db.partnerApiKey.findMany({ where: { revokedAt: { not: null } }, select: { hash: true } })).map((row) => row.hash);
    },
    async mirrorSource(now) {
      const [keys, revoked, manifests] = await Promise.all([
        db.partnerApiKey.findMany({ where: { revokedAt: null, OR: [{ notAfter: null }, { notAfter: { gt: now } }] }, include: { app: { select: { status: true } } } }),
        db.partnerApiKey.findMany({ where: { revokedAt: { not: null } }, select: { hash: true } }),
        db.partnerManifest.findMany(),
      ]);
      return {
        keys: keys.map((row) => ({ ...toKey(row), appStatus: row.app.status })),
        revokedHashes: revoked.map((row) => row.hash),
        manifests: manifests.map(toManifest),
      };
    },
  };
}
