import { entityLoader, groupLoader } from '../../../platform/batching/dataloaders.ts';
import type { AddressRepository } from '../infra/address.repository.ts';
import type { PartnerAppRepository } from '../infra/partner-app.repository.ts';
import type { UserRepository } from '../infra/user.repository.ts';
import type { VendorCache } from '../infra/vendor-cache.ts';
import type { VendorRepository } from '../infra/vendor.repository.ts';

export interface UsersLoaderDeps {
  users: Pick<UserRepository, 'findByIds'>;
  vendors: Pick<VendorRepository, 'findByIds' | 'findLatestByOwners'>;
  addresses: Pick<AddressRepository, 'listByUsers'>;
  partnerApps: Pick<PartnerAppRepository, 'keysOf' | 'findManifests'>;
  /** Stores by id in Redis, shared by every instance: read first, Postgres for the rest. */
  vendorCache: Pick<VendorCache, 'load'>;
}

/**
 * Per-request batching: every `load` in one tick becomes one query, so resolving 20 vendor
 * references from a page of products costs one Redis MGET, then (for the misses only) one
 * SELECT … WHERE id IN (…), not 20. Once `signal` fires, nothing more is read.
 */
export function createUsersLoaders(deps: UsersLoaderDeps, signal?: AbortSignal) {
  return {
    userById: entityLoader({ load: (ids) => deps.users.findByIds(ids), keyOf: (user) => user.id, signal }),
    vendorById: entityLoader({ load: (ids) => deps.vendors.findByIds(ids), keyOf: (vendor) => vendor.id, cache: deps.vendorCache, signal }),
    vendorByOwnerId: entityLoader({ load: (ids) => deps.vendors.findLatestByOwners(ids), keyOf: (vendor) => vendor.ownerId, signal }),
    addressesByUserId: groupLoader({ load: (ids) => deps.addresses.listByUsers(ids), keyOf: (address) => address.userId, signal }),
    // A page of partner apps with their keys and manifests is two queries, not two per app.
    partnerKeysByAppId: groupLoader({ load: (ids) => deps.partnerApps.keysOf(ids), keyOf: (key) => key.appId, signal }),
    partnerManifestByAppId: entityLoader({ load: (ids) => deps.partnerApps.findManifests(ids), keyOf: (manifest) => manifest.appId, signal }),
  };
}

export type UsersLoaders = ReturnType<typeof createUsersLoaders>;
