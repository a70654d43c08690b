import { createAccessTokenVerifier, JWKS_PATH } from '../../platform/auth/access-token.ts';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { sendJson, type RouteHandler } from '../../platform/http/http-server.ts';
import { defineSubgraph } from '../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createRedis } from '../../platform/redis/redis.ts';
import { createLoaders } from './application/loaders.ts';
import { createUsersServices } from './application/users-services.ts';
import { loadUsersConfig, type UsersConfig } from './config.ts';
import type { UsersContext } from './context.ts';
import { createAccessTokenSigner, type AccessTokenSigner } from './infra/access-token-signer.ts';
import { seedUsersDemo } from './infra/demo-seed.ts';
import { resolveUsersSecrets } from './infra/dev-secrets.ts';
import { createPasswordHasher } from './infra/password-hasher.ts';
import { createPiiCipher } from './infra/pii-cipher.ts';
import { createUsersPrisma } from './infra/prisma-client.ts';
import { resolvers } from './resolvers/index.ts';

export interface UsersSubgraph extends RunningSubgraph {
  /** Where the gateway and other subgraphs fetch the public keys that verify access tokens. */
  jwksUrl: string;
}

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
 * Wires the users subgraph (Prisma, Redis, keys, services) and serves it. Tests boot it in-process
 * with port 0; main.ts is only the process entry around it.
 */
export async function startUsersSubgraph(config: UsersConfig, logger: Logger): Promise<UsersSubgraph> {
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
  const closeClients = async () => {
    await prisma.$disconnect();
    try {
      await redis.quit();
    } catch {
      // Not connected (Redis down): nothing to flush, just stop reconnecting.
      redis.disconnect();
    }
  };

  const { services, repositories } = createUsersServices({
    prisma,
    redis,
    cipher,
    hasher,
    signer,
    loginLimits: config.loginLimits,
    refreshTokenTtlSeconds: config.tokens.refreshTokenTtlSeconds,
    vendorCacheTtlSeconds: config.vendorCacheTtlSeconds,
    logger,
  });

  let server: RunningSubgraph;
  try {
    server = await startSubgraphServer<UsersContext>({
      name: 'users',
      typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
      resolvers,
      host: config.host,
      port: config.port,
      logger,
      // This process holds the keys, so it verifies in memory instead of fetching its own JWKS.
      verifier: createAccessTokenVerifier({ jwks: signer.publicJwks() }),
      // Redis is deliberately not a readiness check: log-in fails open without it, so an outage
      // of Redis must not take every users pod out of the load balancer.
      readiness: [{ name: 'postgres', check: () => prisma.$queryRaw`SELECT 1` }],
      createContext: (base) => ({ ...base, loaders: createLoaders(repositories), services, signedInNow: new Set<string>() }),
      routes: { [JWKS_PATH]: jwksRoute(signer) },
    });
  } catch (error) {
    await closeClients();
    throw error;
  }
  logger.child({ component: 'app' }).info({ url: server.graphqlUrl }, 'users subgraph listening');
  return {
    ...server,
    jwksUrl: `${server.url}${JWKS_PATH}`,
    close: async () => {
      await server.close();
      await closeClients();
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
