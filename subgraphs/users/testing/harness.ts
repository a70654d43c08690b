import { randomBytes, randomUUID } from 'node:crypto';
import { createAccessTokenVerifier, DEFAULT_TOKEN_POLICY, type AccessTokenVerifier } from '../../../platform/auth/access-token.ts';
import { createSessionRevocations, type SessionRevocations } from '../../../platform/auth/session-revocations.ts';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { createLogger, type Logger } from '../../../platform/logging/logger.ts';
import { closeRedis, createRedis, waitForRedis, type Redis } from '../../../platform/redis/redis.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import type { UsersScope } from '../application/scope.ts';
import { createUsersApp, type UsersApp, type UsersAppDeps, type UsersServices } from '../application/services.ts';
import { createAccessTokenSigner } from '../infra/access-token-signer.ts';
import { createAddressRepository } from '../infra/address.repository.ts';
import { newSigningKey } from '../infra/dev-secrets.ts';
import { createLoginRateLimiter, type LoginLimits } from '../infra/login-rate-limiter.ts';
import { createPasswordHasher, type PasswordHasher } from '../infra/password-hasher.ts';
import { inspectOperations } from '../infra/operation-inspector.ts';
import { createPartnerAppRepository } from '../infra/partner-app.repository.ts';
import { newPartnerApiKey } from '../infra/partner-key.ts';
import { createPartnerMirror } from '../infra/partner-mirror.ts';
import { createPiiCipher, type PiiCipher } from '../infra/pii-cipher.ts';
import { createUsersPrisma, type UsersPrisma } from '../infra/prisma.ts';
import { createSessionRepository } from '../infra/session.repository.ts';
import { createSignUpRateLimiter, type SignUpLimits } from '../infra/sign-up-rate-limiter.ts';
import { createUserRepository } from '../infra/user.repository.ts';
import { createVendorCache } from '../infra/vendor-cache.ts';
import { createVendorRepository, type VendorRepository } from '../infra/vendor.repository.ts';
import { testRequestContext } from '../../../platform/testing/request-context.ts';

/** What the app asked Postgres for since the harness started, so specs can tell a cache hit from a miss. */
export interface ReadLog {
  /** The ids of each `vendors.findByIds` call (one vendor query each), oldest first. */
  vendorIds: string[][];
  /** argon2 runs by the app (hashes at sign-up, verifications at log-in, real or decoy), to prove cheap refusals spend none. */
  argon2Runs: number;
}

/**
 * The users app (createUsersApp) over the test database and Redis, for the `*.spec.ts` files.
 * Production never imports this.
 */
export interface UsersHarness {
  app: UsersApp;
  services: UsersServices;
  /**
   * What the app was built from (a vendor repository that logs its reads, caches on `redis`), to
   * build a variant: other loaders, or the vendor cache on the dead Redis.
   */
  deps: UsersAppDeps;
  /** A request as the subgraph server builds it: this viewer (anonymous by default), a fresh request id. */
  request(viewer?: Viewer | null, options?: { clientIp?: string }): BaseRequestContext;
  /** The request's scope as a resolver gets it (`app.scopeFor(request(…))`): fresh loaders, nobody signed in yet. */
  scope(viewer?: Viewer | null, options?: { clientIp?: string }): UsersScope;
  reads: ReadLog;
  prisma: UsersPrisma;
  /** This harness' own key space in the test Redis. */
  redis: Redis;
  /** The partner mirror's own key space (PARTNERS_KEY_PREFIX), as the gateway reads it. */
  partnersRedis: Redis;
  /** A Redis where nothing listens, for the fail-open specs. */
  deadRedis: Redis;
  logger: Logger;
  /** The key that seals addresses and phones, to read what the database holds. */
  cipher: PiiCipher;
  /** The list of ended sessions the app writes to (in `redis`, so only this harness sees it). */
  sessions: SessionRevocations;
  /** Verifies the access tokens the app signs, as the subgraph does: keys, token times, ended sessions. */
  verifier: AccessTokenVerifier;
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
  signUpLimits?: Partial<SignUpLimits>;
}): Promise<UsersHarness> {
  const logger = createLogger({ service: 'users-spec', level: 'silent', pretty: false });
  const signer = await createAccessTokenSigner({ signingKey: await newSigningKey(), extraPublicJwks: [], ttlSeconds: 900 });
  const hasher = await createPasswordHasher();
  const cipher = createPiiCipher(randomBytes(32));
  const prisma = createUsersPrisma(options.databaseUrl ?? testDatabaseUrl('users'), 4);
  const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`users-${options.scope}-${randomUUID().slice(0, 8)}`) }, logger);
  await waitForRedis(redis);
  const partnersRedis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`partners-${options.scope}-${randomUUID().slice(0, 8)}`) }, logger);
  await waitForRedis(partnersRedis);
  const deadRedis = createRedis({ url: 'redis://127.0.0.1:6390', keyPrefix: 'nothing-listens:' }, logger);
  const sessions = createSessionRevocations(redis, { checkIntervalMs: 100, retentionSeconds: 3600 }, logger);

  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs), advance: (ms: number) => void (offsetMs += ms) };
  const reads: ReadLog = { vendorIds: [], argon2Runs: 0 };
  const countedHasher: PasswordHasher = {
    hash(password) {
      reads.argon2Runs += 1;
      return hasher.hash(password);
    },
    verify(passwordHash, password) {
      reads.argon2Runs += 1;
      return hasher.verify(passwordHash, password);
    },
    verifyNobody(password) {
      reads.argon2Runs += 1;
      return hasher.verifyNobody(password);
    },
  };
  const vendorRepository = createVendorRepository(prisma);
  const vendors: VendorRepository = {
    ...vendorRepository,
    findByIds(ids) {
      reads.vendorIds.push([...ids]);
      return vendorRepository.findByIds(ids);
    },
  };
  const deps: UsersAppDeps = {
    users: createUserRepository(prisma, cipher),
    sessions: createSessionRepository(prisma),
    vendors,
    addresses: createAddressRepository(prisma, cipher),
    vendorCache: createVendorCache(redis, 60, logger),
    loginLimiter: createLoginRateLimiter(
      redis,
      {
        failuresBeforeDelay: 3,
        baseDelaySeconds: 2,
        maxDelaySeconds: 900,
        maxFailuresPerIp: 1000,
        ipWindowSeconds: 900,
        maxFailuresPerAccount: 100,
        accountWindowSeconds: 3600,
        ...options.loginLimits,
      },
      logger,
      clock.now,
    ),
    signUpLimiter: createSignUpRateLimiter(redis, { maxPerIp: 1000, ipWindowSeconds: 3600, ...options.signUpLimits }, logger, clock.now),
    hasher: countedHasher,
    signer,
    revocations: sessions,
    refreshTokenTtlSeconds: 3600,
    partnerApps: createPartnerAppRepository(prisma),
    partnerMirror: createPartnerMirror(partnersRedis, logger, clock.now),
    inspectOperations,
    newPartnerApiKey,
    now: clock.now,
  };
  const app = createUsersApp(deps);
  const request = (viewer: Viewer | null = null, requestOptions: { clientIp?: string } = {}): BaseRequestContext =>
    testRequestContext(logger, viewer, { clientIp: requestOptions.clientIp ?? '10.0.0.1' });

  return {
    app,
    services: app.services,
    deps,
    request,
    scope: (viewer, requestOptions) => app.scopeFor(request(viewer, requestOptions)),
    reads,
    prisma,
    redis,
    partnersRedis,
    deadRedis,
    logger,
    cipher,
    sessions,
    verifier: createAccessTokenVerifier({ jwks: signer.publicJwks() }, { policy: DEFAULT_TOKEN_POLICY, sessions }),
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
      await closeRedis(redis);
      await closeRedis(partnersRedis);
      deadRedis.disconnect();
      await prisma.$disconnect();
    },
  };
}
