import { createAccessTokenVerifier, JWKS_PATH } from '../../platform/auth/access-token.ts';
import { openSessionRevocations } from '../../platform/auth/session-revocations.ts';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { sendJson, type RouteHandler } from '../../platform/http/http-server.ts';
import { createServiceSigning, internalReadRoute } from '../../platform/http/internal-read.ts';
import { defineSubgraph, type SubgraphOverrides } from '../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createMessagingConnection, rabbitmqReadiness } from '../../platform/messaging/connection.ts';
import { createOutboxRelay } from '../../platform/messaging/outbox.ts';
import { createBusRetentionJob } from '../../platform/messaging/retention.ts';
import { postgresReadiness } from '../../platform/prisma/pg-adapter.ts';
import { closeRedis, createRedis, waitForRedis } from '../../platform/redis/redis.ts';
import { contactsRequestSchema, createContactReadService } from './application/contact-read.ts';
import { createPartnerAppService, type PartnerAppService } from './application/partner-app.service.ts';
import { createUsersApp } from './application/services.ts';
import { loadUsersConfig, type UsersConfig } from './config.ts';
import type { UsersContext } from './context.ts';
import { createAccessTokenSigner, type AccessTokenSigner } from './infra/access-token-signer.ts';
import { createAddressRepository } from './infra/address.repository.ts';
import { createContactRepository } from './infra/contact.repository.ts';
import { seedUsersDemo } from './infra/demo-seed.ts';
import { resolveUsersSecrets } from './infra/dev-secrets.ts';
import { createLoginRateLimiter } from './infra/login-rate-limiter.ts';
import { createPasswordHasher } from './infra/password-hasher.ts';
import { inspectOperations } from './infra/operation-inspector.ts';
import { createPartnerAppRepository } from './infra/partner-app.repository.ts';
import { newPartnerApiKey } from './infra/partner-key.ts';
import { createPartnerMirror } from './infra/partner-mirror.ts';
import { createPiiCipher } from './infra/pii-cipher.ts';
import { createUsersPrisma } from './infra/prisma.ts';
import { createSessionRepository } from './infra/session.repository.ts';
import { createSignUpRateLimiter } from './infra/sign-up-rate-limiter.ts';
import { createUserRepository } from './infra/user.repository.ts';
import { createVendorCache } from './infra/vendor-cache.ts';
import { createVendorRepository } from './infra/vendor.repository.ts';
import { resolvers } from './resolvers/index.ts';

/** Public keys only; verifiers cache them, and refetch on an unknown kid (key rotation). */
function jwksRoute(signer: AccessTokenSigner): RouteHandler {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
      return;
    }
    sendJson(res, 200, signer.publicJwks(), { 'cache-control': 'public, max-age=300' });
  };
}

/**
 * Wires the users subgraph (keys, Prisma, Redis, services, the outbox relay and the retention job) and serves it. Tests boot it in-process
 * with port 0; main.ts is only the process entry around it.
 */
export async function startUsersSubgraph(config: UsersConfig, logger: Logger, overrides: SubgraphOverrides = {}): Promise<RunningSubgraph> {
  // Everything that can fail comes before the clients are opened; from then on the server owns them.
  const secrets = await resolveUsersSecrets(config, logger);
  const signer = await createAccessTokenSigner({
    signingKey: secrets.signingKey,
    extraPublicJwks: config.secrets.extraPublicJwks,
    ttlSeconds: config.tokens.accessTokenTtlSeconds,
  });
  const hasher = await createPasswordHasher();
  const cipher = createPiiCipher(secrets.piiKey);
  const prisma = createUsersPrisma(config.databaseUrl, config.databasePoolSize);
  const redis = createRedis(config.redis, logger);
  const sessions = openSessionRevocations(config.sessionRevocations, logger);
  const partnersRedis = createRedis(config.partnersRedis, logger);
  // Vendor status events leave through the outbox; the relay runs in this process.
  const rabbitmq = createMessagingConnection(config.messaging, logger);
  const relay = createOutboxRelay({ db: prisma, connection: rabbitmq, prefix: config.messaging.prefix, logger, pollMs: config.messaging.outboxPollMs, batchWaitMs: config.messaging.batchWaitMs });
  relay.start();
  const retention = createBusRetentionJob({ db: prisma, tables: ['outbox_message'], settings: config.retention, logger });
  retention.start();

  const users = createUserRepository(prisma, cipher);
  const vendors = createVendorRepository(prisma);
  const contactRead = createContactReadService({ contacts: createContactRepository(prisma) });
  const app = createUsersApp({
    users,
    sessions: createSessionRepository(prisma),
    vendors,
    addresses: createAddressRepository(prisma, cipher),
    vendorCache: createVendorCache(redis, config.vendorCacheTtlSeconds, logger),
    loginLimiter: createLoginRateLimiter(redis, config.loginLimits, logger),
    signUpLimiter: createSignUpRateLimiter(redis, config.signUpLimits, logger),
    hasher,
    signer,
    revocations: sessions,
    refreshTokenTtlSeconds: config.tokens.refreshTokenTtlSeconds,
    partnerApps: createPartnerAppRepository(prisma),
    partnerMirror: createPartnerMirror(partnersRedis, logger),
    inspectOperations,
    newPartnerApiKey,
    outbox: relay,
  });
  // Heals a crash between a Postgres write and its mirror write. Redis down only delays it to the
  // next start (or `npm run pq:publish -- --resync`): until then the gateways refuse partner keys,
  // the safe side, and the rest of the subgraph serves.
  try {
    await waitForRedis(partnersRedis);
    await app.services.partnerApps.resyncMirror(logger);
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'partner mirror resync failed; run npm run pq:publish -- --resync once Redis is back');
  }

  return startSubgraphServer<UsersContext>({
    name: 'users',
    typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
    resolvers,
    settings: config,
    logger,
    // This process holds the keys, so it verifies in memory instead of fetching its own JWKS.
    verifier: overrides.verifier ?? createAccessTokenVerifier({ jwks: signer.publicJwks() }, { policy: config.tokenPolicy, sessions }),
    // Redis is deliberately not a readiness check: log-in fails open without it, so an outage
    // of Redis must not take every users pod out of the load balancer.
    readiness: [postgresReadiness(prisma), rabbitmqReadiness(rabbitmq)],
    createContext: (base, signal) => ({ ...app.scopeFor(base, signal), services: app.services }),
    // Fetched by the gateway and the other subgraphs: cluster traffic, on the internal listener.
    internalRoutes: {
      [JWKS_PATH]: jwksRoute(signer),
      // The notifications worker's recipients (signed service reads only).
      '/internal/contacts': internalReadRoute({
        body: contactsRequestSchema,
        verifier: createServiceSigning(config, logger).verifier,
        logger,
        handle: (body) => contactRead.contacts(body),
      }),
    },
    resources: [
      { name: 'session revocations', close: () => sessions.close() },
      { name: 'redis', close: () => closeRedis(redis) },
      { name: 'partners redis', close: () => closeRedis(partnersRedis) },
      // The relay finishes its batch (it needs Postgres and the broker) before either closes.
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'retention job', close: () => retention.stop() },
      { name: 'rabbitmq', close: () => rabbitmq.close() },
      { name: 'postgres', close: () => prisma.$disconnect() },
    ],
  });
}

/**
 * The partner-app service alone, over the subgraph's own config (database, Redis, partner key
 * prefix), for operator scripts (`npm run pq:publish`): the same validation and mirror writes as
 * the admin mutations, without serving anything.
 */
export async function openPartnerApps(config: UsersConfig, logger: Logger): Promise<{ service: PartnerAppService; close(): Promise<void> }> {
  const prisma = createUsersPrisma(config.databaseUrl, 2);
  const partnersRedis = createRedis(config.partnersRedis, logger);
  try {
    await waitForRedis(partnersRedis);
  } catch (error) {
    await closeRedis(partnersRedis);
    await prisma.$disconnect();
    throw error;
  }
  const service = createPartnerAppService({
    partnerApps: createPartnerAppRepository(prisma),
    mirror: createPartnerMirror(partnersRedis, logger),
    inspectOperations,
    newApiKey: newPartnerApiKey,
    now: () => new Date(),
  });
  return {
    service,
    async close() {
      await closeRedis(partnersRedis);
      await prisma.$disconnect();
    },
  };
}

export const subgraph = defineSubgraph({
  name: 'users',
  loadConfig: loadUsersConfig,
  start: startUsersSubgraph,
  async seedDemo(config, logger, facts) {
    const seeded = await seedUsersDemo(config, logger);
    return { ...facts, created: facts.created || seeded.created, logins: seeded.logins, vendorIds: seeded.vendors.map((vendor) => vendor.id) };
  },
});
