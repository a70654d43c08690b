import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../../platform/auth/access-token.ts';
import type { Role } from '../../platform/auth/viewer.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/app.ts';
import { composeSupergraph } from '../../gateway/supergraph/compose.ts';
import { loadCatalogConfig } from '../../subgraphs/catalog/config.ts';
import { startCatalogSubgraph } from '../../subgraphs/catalog/app.ts';
import { loadUsersConfig } from '../../subgraphs/users/config.ts';
import { startUsersSubgraph, type UsersSubgraph } from '../../subgraphs/users/app.ts';
import type { RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { GraphQLTestClient } from './graphql-client.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from './test-env.ts';

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  vid?: string | null;
}

export interface SignOptions {
  /** jose time span, e.g. '15m', or a past timestamp (seconds) to make an expired token. */
  expiresIn?: string | number;
  /** 'platform' signs with the users subgraph's real key; 'foreign' with a key nobody trusts. */
  key?: 'platform' | 'foreign';
}

export interface TestPlatform {
  gateway: GraphQLTestClient;
  gatewayServer: RunningGateway;
  users: UsersSubgraph;
  catalog: RunningSubgraph;
  /** Talks to a subgraph directly, bypassing the gateway (to prove subgraphs check tokens themselves). */
  subgraphClient(name: 'users' | 'catalog'): GraphQLTestClient;
  signAccessToken(claims: AccessTokenClaims, options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

const quietLogger = () => createLogger({ service: 'test', level: testEnv.TEST_LOG_LEVEL, pretty: false });

/**
 * Boots the real platform in this process against the test databases: users, then catalog
 * (verifying tokens with users' JWKS), a supergraph composed from their SDL, then the gateway.
 * Every server listens on an ephemeral port, so files can boot their own platform.
 */
export async function bootPlatform(
  options: { gatewayEnv?: Record<string, string>; usersEnv?: Record<string, string>; catalogEnv?: Record<string, string> } = {},
): Promise<TestPlatform> {
  const logger = quietLogger();
  const secretsDir = mkdtempSync(path.join(tmpdir(), 'shop-test-secrets-'));
  const common = { NODE_ENV: 'test', LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', REDIS_URL: testEnv.REDIS_URL };
  const users = await startUsersSubgraph(
    loadUsersConfig({
      ...common,
      DATABASE_URL: testDatabaseUrl('users'),
      REDIS_KEY_PREFIX: testRedisPrefix(`users-${randomUUID().slice(0, 8)}`),
      DEV_SECRETS_DIR: secretsDir,
      ...options.usersEnv,
    }),
    logger.child({ service: 'users' }),
  );
  const catalog = await startCatalogSubgraph(
    loadCatalogConfig({
      ...common,
      DATABASE_URL: testDatabaseUrl('catalog'),
      REDIS_KEY_PREFIX: testRedisPrefix(`catalog-${randomUUID().slice(0, 8)}`),
      JWKS_URL: users.jwksUrl,
      ...options.catalogEnv,
    }),
    logger.child({ service: 'catalog' }),
  );
  const root = path.resolve(import.meta.dirname, '../..');
  const supergraphPath = path.join(secretsDir, 'supergraph.graphql');
  writeFileSync(
    supergraphPath,
    composeSupergraph([
      { name: 'users', url: users.graphqlUrl, typeDefs: readFileSync(path.join(root, 'subgraphs/users/schema.graphql'), 'utf8') },
      { name: 'catalog', url: catalog.graphqlUrl, typeDefs: readFileSync(path.join(root, 'subgraphs/catalog/schema.graphql'), 'utf8') },
    ]),
  );
  const gatewayServer = await startGateway(
    loadGatewayConfig({
      ...common,
      SUPERGRAPH_PATH: supergraphPath,
      JWKS_URL: users.jwksUrl,
      ...options.gatewayEnv,
    }),
    logger.child({ service: 'gateway' }),
  );
  const foreignKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });

  return {
    gateway: new GraphQLTestClient(gatewayServer.graphqlUrl),
    gatewayServer,
    users,
    catalog,
    subgraphClient: (name) => new GraphQLTestClient(name === 'users' ? users.graphqlUrl : catalog.graphqlUrl),
    async signAccessToken(claims, signOptions = {}) {
      const jwk: JWK =
        signOptions.key === 'foreign'
          ? { ...foreignKey, kid: 'foreign-key', alg: 'EdDSA' }
          : (JSON.parse(readFileSync(path.join(secretsDir, 'jwt-signing-key.json'), 'utf8')) as JWK);
      const key = await importJWK(jwk, 'EdDSA');
      const jwt = new SignJWT({ role: claims.role, vid: claims.vid ?? null })
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid ?? 'unknown' })
        .setSubject(claims.sub)
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt();
      const expiresIn = signOptions.expiresIn ?? '5m';
      return jwt.setExpirationTime(expiresIn).sign(key);
    },
    async close() {
      await gatewayServer.close();
      await catalog.close();
      await users.close();
      rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}

/** An `alg: none` token with valid-looking claims: it must be refused everywhere. */
export function unsignedToken(claims: AccessTokenClaims): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat: now, exp: now + 300 })}.`;
}
