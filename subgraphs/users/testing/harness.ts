import { randomBytes, randomUUID } from 'node:crypto';
import { createAccessTokenVerifier, type AccessTokenVerifier } from '../../../platform/auth/access-token.ts';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import { closeRedis, createRedis, waitForRedis, type Redis } from '../../../platform/redis/redis.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import type { UsersScope } from '../application/scope.ts';
import { createUsersApp, type UsersAppDeps, type UsersServices } from '../application/services.ts';
import { createAccessTokenSigner } from '../infra/access-token-signer.ts';
import { createAddressRepository } from '../infra/address.repository.ts';
import { newSigningKey } from '../infra/dev-secrets.ts';
import { createLoginRateLimiter, type LoginLimits } from '../infra/login-rate-limiter.ts';
import { createPasswordHasher } from '../infra/password-hasher.ts';
import { createPiiCipher, type PiiCipher } from '../infra/pii-cipher.ts';
import { createUsersPrisma, type UsersPrisma } from '../infra/prisma.ts';
import { createSessionRepository } from '../infra/session.repository.ts';
import { createUserRepository } from '../infra/user.repository.ts';
import { createVendorCache } from '../infra/vendor-cache.ts';
import { createVendorRepository } from '../infra/vendor.repository.ts';

/**
 * The users app (createUsersApp) over the test database and Redis, for the `*.spec.ts` files.
 * Production never imports this.
 */
export interface UsersHarness {
  services: UsersServices;
  /** What the app was built from, to build a variant (e.g. over a Redis that is down). */
  deps: UsersAppDeps;
  prisma: UsersPrisma;
  redis: Redis;
  cipher: PiiCipher;
  verifier: AccessTokenVerifier;
  /** A request as the subgraph server builds it: this viewer (anonymous by default), a fresh request id. */
  request(viewer?: Viewer | null, options?: { clientIp?: string }): BaseRequestContext;
  /** The request's scope as a resolver gets it (`app.scopeFor(request(…))`): fresh loaders, nobody signed in yet. */
  scope(viewer?: Viewer | null, options?: { clientIp?: string }): UsersScope;
  /** Every batch of ids the vendor loader read from Postgres (each `findByIds` call), oldest first. */
  vendorReads: string[][];
  /** The services' clock; `advance` moves it forward (e.g. past a refresh token's expiry). */
  clock: { now(): Date; advance(ms: number): void };
  /** Creates an account directly (hashing the password) and returns it as a viewer. */
  createAccount(options?: { role?: 'CUSTOMER' | 'ADMIN'; password?: string; email?: string }): Promise<Viewer & { email: string; password: string }>;
  close(): Promise<void>;
}

/** `scope` names the spec's own Redis key space; the database defaults to the test one. */
export async function createUsersHarness(options: {
  scope: string;
  databaseUrl?: string;
  loginLimits?: Partial<LoginLimits>;
}): Promise<UsersHarness> {
  const logger = createLogger({ service: 'users-spec', level: 'silent', pretty: false });
  const signer = await createAccessTokenSigner({ signingKey: await newSigningKey(), extraPublicJwks: [], ttlSeconds: 900 });
  const hasher = await createPasswordHasher();
  const cipher = createPiiCipher(randomBytes(32));
  const prisma = createUsersPrisma(options.databaseUrl ?? testDatabaseUrl('users'), 4);
  const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`users-${options.scope}-${randomUUID().slice(0, 8)}`) }, logger);
  await waitForRedis(redis);

  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs), advance: (ms: number) => void (offsetMs += ms) };
  const vendorReads: string[][] = [];
  const vendors = createVendorRepository(prisma);
  const deps: UsersAppDeps = {
    repositories: {
      users: createUserRepository(prisma, cipher),
      sessions: createSessionRepository(prisma),
      vendors: {
        ...vendors,
        findByIds(ids) {
          vendorReads.push([...ids]);
          return vendors.findByIds(ids);
        },
      },
      addresses: createAddressRepository(prisma, cipher),
    },
    vendorCache: createVendorCache(redis, 60, logger),
    loginLimiter: createLoginRateLimiter(
      redis,
      { maxFailuresPerAccount: 5, accountWindowSeconds: 900, maxAttemptsPerIp: 1000, ipWindowSeconds: 300, ...options.loginLimits },
      logger,
    ),
    hasher,
    signer,
    refreshTokenTtlSeconds: 3600,
    now: clock.now,
  };
  const app = createUsersApp(deps);
  const request = (viewer: Viewer | null = null, requestOptions: { clientIp?: string } = {}): BaseRequestContext => {
    const requestId = randomUUID();
    return { requestId, logger: logger.child({ requestId }), viewer, accessToken: null, clientIp: requestOptions.clientIp ?? '10.0.0.1' };
  };

  return {
    services: app.services,
    deps,
    prisma,
    redis,
    cipher,
    verifier: createAccessTokenVerifier({ jwks: signer.publicJwks() }),
    request,
    scope: (viewer, requestOptions) => app.scopeFor(request(viewer, requestOptions)),
    vendorReads,
    clock,
    async createAccount(account = {}) {
      const email = account.email ?? `user-${randomBytes(6).toString('hex')}@example.com`;
      const password = account.password ?? 'correct horse 1';
      const user = await prisma.user.create({
        data: { email, name: 'Spec User', passwordHash: await hasher.hash(password), role: account.role ?? 'CUSTOMER' },
      });
      return { userId: user.id, role: user.role, vendorId: null, email, password };
    },
    async close() {
      await prisma.$disconnect();
      await closeRedis(redis);
    },
  };
}
