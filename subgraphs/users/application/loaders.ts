import DataLoader from 'dataloader';
import type { Address } from '../domain/address.ts';
import type { User } from '../domain/user.ts';
import type { Vendor } from '../domain/vendor.ts';
import type { AddressRepository } from '../infra/address.repository.ts';
import type { UserRepository } from '../infra/user.repository.ts';
import type { VendorCache } from '../infra/vendor-cache.ts';
import type { VendorRepository } from '../infra/vendor.repository.ts';

/**
 * Per-request batching: every `load` in one tick becomes one query, so resolving 20 vendor
 * references from a page of products costs one Redis MGET, then (for the misses only) one
 * SELECT … WHERE id IN (…), not 20.
 */
export interface UsersLoaders {
  userById: DataLoader<string, User | null>;
  vendorById: DataLoader<string, Vendor | null>;
  /** The store a user owns or last applied for. */
  vendorByOwnerId: DataLoader<string, Vendor | null>;
  addressesByUserId: DataLoader<string, Address[]>;
}

export interface UsersLoaderDeps {
  users: Pick<UserRepository, 'findByIds'>;
  vendors: Pick<VendorRepository, 'findByIds' | 'findLatestByOwners'>;
  addresses: Pick<AddressRepository, 'listByUsers'>;
  /** Stores by id in Redis, shared by every instance: read first, Postgres for the rest. */
  vendorCache: Pick<VendorCache, 'load'>;
}

function byKey<T, K>(keys: readonly K[], rows: readonly T[], keyOf: (row: T) => K): (T | null)[] {
  const index = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => index.get(key) ?? null);
}

export function createUsersLoaders(deps: UsersLoaderDeps): UsersLoaders {
  return {
    userById: new DataLoader(async (ids) => byKey(ids, await deps.users.findByIds(ids), (user) => user.id)),
    vendorById: new DataLoader(async (ids) => {
      const found = await deps.vendorCache.load(ids, async (missing) => {
        const vendors = await deps.vendors.findByIds(missing);
        return new Map(vendors.map((vendor) => [vendor.id, vendor]));
      });
      return ids.map((id) => found.get(id) ?? null);
    }),
    vendorByOwnerId: new DataLoader(async (ownerIds) =>
      byKey(ownerIds, await deps.vendors.findLatestByOwners(ownerIds), (vendor) => vendor.ownerId),
    ),
    addressesByUserId: new DataLoader(async (userIds) => {
      const rows = await deps.addresses.listByUsers(userIds);
      return userIds.map((userId) => rows.filter((address) => address.userId === userId));
    }),
  };
}
