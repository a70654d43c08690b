import DataLoader from 'dataloader';
import type { Address, User, Vendor } from '../domain/models.ts';
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

export interface LoaderRepositories {
  users: Pick<UserRepository, 'findByIds'>;
  vendors: Pick<VendorRepository, 'findByIds' | 'findLatestByOwners'>;
  addresses: Pick<AddressRepository, 'listByUsers'>;
  /** Stores by id in Redis, shared by every instance; null reads Postgres only. */
  vendorCache: VendorCache | null;
}

function byKey<T, K>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): (T | null)[] {
  const index = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => index.get(key) ?? null);
}

/** Cache-aside: Redis first, Postgres for the rest, which are then cached. */
async function vendorsByIds(repositories: LoaderRepositories, ids: readonly string[]): Promise<Vendor[]> {
  const cache = repositories.vendorCache;
  if (!cache) return repositories.vendors.findByIds(ids);
  const cached = await cache.getMany(ids);
  const missing = ids.filter((id) => !cached.has(id));
  const loaded = missing.length > 0 ? await repositories.vendors.findByIds(missing) : [];
  await cache.setMany(loaded);
  return [...cached.values(), ...loaded];
}

export function createLoaders(repositories: LoaderRepositories): UsersLoaders {
  return {
    userById: new DataLoader(async (ids) => byKey(ids, await repositories.users.findByIds(ids), (user) => user.id)),
    vendorById: new DataLoader(async (ids) => byKey(ids, await vendorsByIds(repositories, ids), (vendor) => vendor.id)),
    vendorByOwnerId: new DataLoader(async (ownerIds) =>
      byKey(ownerIds, await repositories.vendors.findLatestByOwners(ownerIds), (vendor) => vendor.ownerId),
    ),
    addressesByUserId: new DataLoader(async (userIds) => {
      const rows = await repositories.addresses.listByUsers(userIds);
      return userIds.map((userId) => rows.filter((address) => address.userId === userId));
    }),
  };
}
