import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { createAccessTokenVerifier, type AccessTokenVerifier } from '../../../platform/auth/access-token.ts';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import { createRedis, waitForRedis, type Redis } from '../../../platform/redis/redis.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import { createLoaders, type LoaderRepositories, type UsersLoaders } from '../application/loaders.ts';
import { createUsersServices } from '../application/users-services.ts';
import type { UsersServices } from '../context.ts';
import { createAccessTokenSigner } from '../infra/access-token-signer.ts';
import type { SigningJwk } from '../infra/dev-secrets.ts';
import type { LoginLimits } from '../infra/login-rate-limiter.ts';
import { createPasswordHasher } from '../infra/password-hasher.ts';
import { createPiiCipher } from '../infra/pii-cipher.ts';
import { createUsersPrisma, type UsersPrisma } from '../infra/prisma-client.ts';

/**
 * The users services over a real database and Redis, for the application specs (*.spec.ts).
 * Production never imports this.
 */
export interface UsersHarness {
  services: UsersServices;
  repositories: LoaderRepositories;
  prisma: UsersPrisma;
  redis: Redis;
  verifier: AccessTokenVerifier;
  /** Fresh per-request loaders, as a resolver would get them. */
  loaders(): UsersLoaders;
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
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string };
  const signingKey: SigningJwk = { ...jwk, kid: await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }), alg: 'EdDSA' };
  const signer = await createAccessTokenSigner({ signingKey, extraPublicJwks: [], ttlSeconds: 900 });
  const hasher = await createPasswordHasher();
  const prisma = createUsersPrisma(options.databaseUrl ?? testDatabaseUrl('users'), 4);
  const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`users-${options.scope}-${randomUUID().slice(0, 8)}`) }, logger);
  await waitForRedis(redis);
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs), advance: (ms: number) => void (offsetMs += ms) };
  const { services, repositories } = createUsersServices({
    prisma,
    redis,
    cipher: createPiiCipher(randomBytes(32)),
    hasher,
    signer,
    loginLimits: { maxFailuresPerAccount: 5, accountWindowSeconds: 900, maxAttemptsPerIp: 1000, ipWindowSeconds: 300, ...options.loginLimits },
    refreshTokenTtlSeconds: 3600,
    vendorCacheTtlSeconds: 60,
    logger,
    now: clock.now,
  });
  return {
    services,
    repositories,
    prisma,
    redis,
    verifier: createAccessTokenVerifier({ jwks: signer.publicJwks() }),
    loaders: () => createLoaders(repositories),
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
      await redis.quit();
    },
  };
}
