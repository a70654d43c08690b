import type { UsersPrisma } from './prisma.ts';

/** A name and an address: an account's own, or a store's name with its owner's address. */
export interface ContactRow {
  kind: 'USER' | 'VENDOR';
  id: string;
  name: string;
  email: string;
}

export interface ContactRepository {
  /** Accounts and stores by id; ids nobody holds are left out. */
  find(userIds: readonly string[], vendorIds: readonly string[]): Promise<ContactRow[]>;
}

/**
 * One statement for both kinds (stores joined to their owners): the notifications worker asks
 * once per batch of emails, and the repositories' findByIds would take three (and decrypt every
 * account's phone on the way). Only plain columns are read: nothing encrypted leaves through it.
 */
export function createContactRepository(db: UsersPrisma): ContactRepository {
  return {
    find: (userIds, vendorIds) => db.$queryRaw<ContactRow[]>`
      SELECT 'USER' AS kind, account.id::text AS id, account.name, account.email
      FROM users AS account WHERE account.id = ANY(${[...userIds]}::uuid[])
      UNION ALL
      SELECT 'VENDOR', store.id::text, store.name, store_owner.email
      FROM vendors AS store JOIN users AS store_owner ON store_owner.id = store.owner_id
      WHERE store.id = ANY(${[...vendorIds]}::uuid[])`,
  };
}
