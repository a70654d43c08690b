import { randomUUID } from 'node:crypto';
import type { Address as AddressRow } from '../__generated__/prisma/client.ts';
import type { Address, AddressFields } from '../domain/address.ts';
import { piiContext, type PiiCipher } from './pii-cipher.ts';
import type { UsersPrisma, UsersTransaction } from './prisma.ts';

export interface AddressRepository {
  /** Default first, then oldest first, per user. */
  listByUsers(userIds: readonly string[]): Promise<Address[]>;
  countByUser(userId: string): Promise<number>;
  /** `makeDefault` true moves the default here; the user's first address is always the default. */
  create(userId: string, fields: AddressFields, makeDefault: boolean | null): Promise<Address>;
  /** Replaces the fields; `makeDefault` true/false sets or clears the default, null leaves it. Null when not this user's. */
  update(userId: string, id: string, fields: AddressFields, makeDefault: boolean | null): Promise<Address | null>;
  /** False when not this user's. Deleting the default promotes the oldest remaining address. */
  delete(userId: string, id: string): Promise<boolean>;
}

export function createAddressRepository(db: UsersPrisma, cipher: PiiCipher): AddressRepository {
  const toAddress = (row: AddressRow): Address => ({
    ...(JSON.parse(cipher.decrypt(row.ciphertext, piiContext.address(row.id))) as AddressFields),
    id: row.id,
    userId: row.userId,
    isDefault: row.isDefault,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
  const seal = (id: string, fields: AddressFields) => cipher.encrypt(JSON.stringify(fields), piiContext.address(id));
  // The partial unique index allows one default per user, so the old one is cleared first.
  const clearDefault = (tx: UsersTransaction, userId: string) =>
    tx.address.updateMany({ where: { userId, isDefault: true }, data: { isDefault: false } });
  // Serialises one user's address writes, so two concurrent "first address" inserts cannot both
  // decide to be the default (the second would hit the unique index as an internal error).
  const lockUser = (tx: UsersTransaction, userId: string) => tx.$executeRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR UPDATE`;

  return {
    async listByUsers(userIds) {
      const rows = await db.address.findMany({
        where: { userId: { in: [...userIds] } },
        orderBy: [{ isDefault: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toAddress);
    },
    countByUser: (userId) => db.address.count({ where: { userId } }),
    async create(userId, fields, makeDefault) {
      const id = randomUUID();
      return db.$transaction(async (tx) => {
        await lockUser(tx, userId);
        const hasDefault = (await tx.address.count({ where: { userId, isDefault: true } })) > 0;
        const isDefault = makeDefault === true || !hasDefault;
        if (isDefault && hasDefault) await clearDefault(tx, userId);
        return toAddress(await tx.address.create({ data: { id, userId, ciphertext: seal(id, fields), isDefault } }));
      });
    },
    async update(userId, id, fields, makeDefault) {
      return db.$transaction(async (tx) => {
        await lockUser(tx, userId);
        const existing = await tx.address.findFirst({ where: { id, userId } });
        if (!existing) return null;
        if (makeDefault === true && !existing.isDefault) await clearDefault(tx, userId);
        const isDefault = makeDefault === null ? existing.isDefault : makeDefault;
        return toAddress(await tx.address.update({ where: { id }, data: { ciphertext: seal(id, fields), isDefault } }));
      });
    },
    async delete(userId, id) {
      return db.$transaction(async (tx) => {
        await lockUser(tx, userId);
        const existing = await tx.address.findFirst({ where: { id, userId } });
        if (!existing) return false;
        await tx.address.delete({ where: { id } });
        if (existing.isDefault) {
          const next = await tx.address.findFirst({ where: { userId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
          if (next) await tx.address.update({ where: { id: next.id }, data: { isDefault: true } });
        }
        return true;
      });
    },
  };
}
