import type { Logger } from '../../../platform/logging/logger.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { UsersServices } from '../context.ts';
import type { AccessTokenSigner } from '../infra/access-token-signer.ts';
import { createAddressRepository } from '../infra/address.repository.ts';
import { createLoginRateLimiter, type LoginLimits } from '../infra/login-rate-limiter.ts';
import type { PasswordHasher } from '../infra/password-hasher.ts';
import type { PiiCipher } from '../infra/pii-cipher.ts';
import type { UsersPrisma } from '../infra/prisma-client.ts';
import { createSessionRepository } from '../infra/session.repository.ts';
import { createUserRepository } from '../infra/user.repository.ts';
import { createVendorCache } from '../infra/vendor-cache.ts';
import { createVendorRepository } from '../infra/vendor.repository.ts';
import { createAddressService } from './address.service.ts';
import { createAuthService } from './auth.service.ts';
import type { LoaderRepositories } from './loaders.ts';
import { createUserService } from './user.service.ts';
import { createVendorService } from './vendor.service.ts';

export interface UsersWiringDeps {
  prisma: UsersPrisma;
  redis: Redis;
  cipher: PiiCipher;
  hasher: PasswordHasher;
  signer: AccessTokenSigner;
  loginLimits: LoginLimits;
  refreshTokenTtlSeconds: number;
  logger: Logger;
  /** The clock; tests move it to expire tokens without waiting. */
  now?: () => Date;
  /** How long a store stays in the Redis vendor cache (writes drop it sooner). */
  vendorCacheTtlSeconds: number;
}

/** Repositories and services over given clients: app.ts serves them, specs call them directly. */
export function createUsersServices(deps: UsersWiringDeps): { services: UsersServices; repositories: LoaderRepositories } {
  const repositories = {
    users: createUserRepository(deps.prisma, deps.cipher),
    sessions: createSessionRepository(deps.prisma),
    vendors: createVendorRepository(deps.prisma),
    addresses: createAddressRepository(deps.prisma, deps.cipher),
    vendorCache: createVendorCache(deps.redis, deps.vendorCacheTtlSeconds, deps.logger),
  };
  const clock = deps.now ? { now: deps.now } : {};
  const users = createUserService({ users: repositories.users, logger: deps.logger, ...clock });
  const services: UsersServices = {
    auth: createAuthService({
      users: repositories.users,
      sessions: repositories.sessions,
      hasher: deps.hasher,
      signer: deps.signer,
      limiter: createLoginRateLimiter(deps.redis, deps.loginLimits, deps.logger),
      refreshTokenTtlSeconds: deps.refreshTokenTtlSeconds,
      logger: deps.logger,
      ...clock,
    }),
    users,
    addresses: createAddressService({ addresses: repositories.addresses, users }),
    vendors: createVendorService({ vendors: repositories.vendors, cache: repositories.vendorCache, logger: deps.logger, ...clock }),
  };
  return { services, repositories };
}
