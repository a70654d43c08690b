import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import type { AccessTokenSigner } from '../infra/access-token-signer.ts';
import type { AddressRepository } from '../infra/address.repository.ts';
import type { LoginRateLimiter } from '../infra/login-rate-limiter.ts';
import type { PasswordHasher } from '../infra/password-hasher.ts';
import type { SessionRepository } from '../infra/session.repository.ts';
import type { UserRepository } from '../infra/user.repository.ts';
import type { VendorCache } from '../infra/vendor-cache.ts';
import type { VendorRepository } from '../infra/vendor.repository.ts';
import { createAddressService, type AddressService } from './address.service.ts';
import { createAuthService, type AuthService } from './auth.service.ts';
import { createUsersLoaders } from './loaders.ts';
import type { UsersScope } from './scope.ts';
import { createUserService, type UserService } from './user.service.ts';
import { createVendorService, type VendorService } from './vendor.service.ts';

export interface UsersRepositories {
  users: UserRepository;
  sessions: SessionRepository;
  vendors: VendorRepository;
  addresses: AddressRepository;
}

/** What the services are built from, once per process (app.ts wires it; specs build their own). */
export interface UsersAppDeps {
  repositories: UsersRepositories;
  vendorCache: VendorCache;
  loginLimiter: LoginRateLimiter;
  hasher: PasswordHasher;
  signer: AccessTokenSigner;
  refreshTokenTtlSeconds: number;
  /** The clock; specs move it to expire tokens without waiting. */
  now?: () => Date;
}

/** The process-wide services; every method takes the request's scope first. */
export interface UsersServices {
  auth: AuthService;
  users: UserService;
  addresses: AddressService;
  vendors: VendorService;
}

export interface UsersApp {
  services: UsersServices;
  /** The request's scope: its own loaders and sign-ins, so nothing request-bound outlives it. */
  scopeFor(request: BaseRequestContext): UsersScope;
}

export function createUsersApp(deps: UsersAppDeps): UsersApp {
  const { repositories, vendorCache } = deps;
  const now = deps.now ?? (() => new Date());
  const services: UsersServices = {
    auth: createAuthService({
      users: repositories.users,
      sessions: repositories.sessions,
      hasher: deps.hasher,
      signer: deps.signer,
      limiter: deps.loginLimiter,
      refreshTokenTtlSeconds: deps.refreshTokenTtlSeconds,
      now,
    }),
    users: createUserService({ users: repositories.users, now }),
    addresses: createAddressService({ addresses: repositories.addresses }),
    vendors: createVendorService({ vendors: repositories.vendors, cache: vendorCache, now }),
  };
  return {
    services,
    scopeFor: (request) => ({ ...request, loaders: createUsersLoaders({ ...repositories, vendorCache }), signedInNow: new Set<string>() }),
  };
}
