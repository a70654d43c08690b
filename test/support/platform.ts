import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JWK } from 'jose';
import { JWKS_PATH } from '../../platform/auth/access-token.ts';
import type { RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import type { Environment } from '../../platform/lifecycle/subgraph-definition.ts';
import { createLogger, type Logger } from '../../platform/logging/logger.ts';
import { createTestTokenIssuer, type TestSignOptions, type TestTokenClaims, type TestTokenIssuer } from '../../platform/testing/access-tokens.ts';
import { createTestGatewaySigning, type TestGatewaySigning } from '../../platform/testing/gateway-signing.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/app.ts';
import { composeSubgraphs } from '../../scripts/compose.ts';
import { loadSubgraph, MESSAGE_CONSUMER_NAMES, SUBGRAPHS, TOKEN_ISSUER, type SubgraphName } from '../../subgraphs/registry.ts';
import type { RunningWorker } from '../../platform/lifecycle/worker-definition.ts';
import { startSmtpSink, type SmtpSink } from '../../scripts/lib/smtp-sink.ts';
import { loadWorker, WORKER_NAMES, type WorkerName } from '../../workers/registry.ts';
import { GraphQLTestClient } from './graphql-client.ts';
import { deleteTestTopology } from '../../platform/messaging/testing/topology-cleanup.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from './test-env.ts';

export interface TestPlatform {
  gateway: GraphQLTestClient;
  gatewayServer: RunningGateway;
  subgraphs: Record<SubgraphName, RunningSubgraph>;
  /** The token issuer's public keys, as the gateway and subgraphs fetch them (the issuer's internal listener). */
  jwksUrl: string;
  /**
   * Talks to a subgraph directly, bypassing the gateway but signing as it does (to prove subgraphs
   * check tokens and limits themselves).
   */
  subgraphClient(name: SubgraphName): GraphQLTestClient;
  /** The gateway signing secret every process of this platform shares. */
  signing: TestGatewaySigning;
  /**
   * This platform's exchanges and queues (`test.<id>.`): a process a test boots beside it (a
   * worker) joins its bus with this MESSAGING_PREFIX. close() deletes MESSAGE_CONSUMER_NAMES' queues.
   */
  messagingPrefix: string;
  /** Signs with the users subgraph's real key (or a foreign one, or forges: see TestTokenIssuer). */
  tokens: TestTokenIssuer;
  signAccessToken(claims: TestTokenClaims, options?: TestSignOptions): Promise<string>;
  /** With `workers: true`: the SMTP sink every worker sends to, and the running workers. */
  mail: SmtpSink | null;
  workers: Partial<Record<WorkerName, RunningWorker>>;
  /** Boots a worker (again, after a test closed it) on this platform's bus, databases and sink. */
  startWorker(name: WorkerName): Promise<RunningWorker>;
  close(): Promise<void>;
}

/**
 * This platform's own buckets, and budgets no test file can spend (every test request comes from
 * 127.0.0.1): test/e2e/budgets.test.ts sets small ones through `env.gateway`.
 */
const TEST_BUDGETS = () => ({
  BUDGETS_KEY_PREFIX: testRedisPrefix(`budgets-${randomUUID().slice(0, 8)}`),
  BUDGET_ANONYMOUS: '1000000000/1s',
  BUDGET_CUSTOMER: '1000000000/1s',
  BUDGET_PARTNER: '1000000000/1s',
  BUDGET_ADMIN: '1000000000/1s',
});

export interface BootOptions {
  /** Extra environment per process (a subgraph's name, or `gateway`), over the test defaults. */
  env?: Partial<Record<SubgraphName | 'gateway', Environment>>;
  /** Where every booted process logs (e.g. one that records lines, to assert what was logged at which level). */
  logger?: Logger;
  /** Also boot every worker (workers/registry.ts) beside an SMTP sink of this platform's own. */
  workers?: boolean;
}

/**
 * Boots the real platform in this process against the test databases: every subgraph of the
 * registry in start order (the token issuer first; the others verify tokens with its JWKS), a
 * supergraph composed from their SDL, then the gateway. Every server listens on an ephemeral
 * port, so each test file boots its own platform.
 */
export async function bootPlatform(options: BootOptions = {}): Promise<TestPlatform> {
  const logger = options.logger ?? createLogger({ service: 'test', level: testEnv.TEST_LOG_LEVEL, pretty: false });
  const secretsDir = mkdtempSync(path.join(tmpdir(), 'shop-test-secrets-'));
  const signing = createTestGatewaySigning();
  // This platform's own exchanges and queues, deleted again by close().
  const messagingPrefix = `test.${randomUUID().slice(0, 8)}.`;
  // PORT 0: every listener, the internal ones too, on a free port.
  const common = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: testEnv.REDIS_URL,
    RABBITMQ_URL: testEnv.RABBITMQ_URL,
    MESSAGING_PREFIX: messagingPrefix,
    // One list of ended sessions for every process of this platform, and for no other.
    SESSIONS_KEY_PREFIX: testRedisPrefix(`sessions-${randomUUID().slice(0, 8)}`),
    // Partner keys and manifests the users subgraph mirrors and the gateway reads: this platform's own.
    PARTNERS_KEY_PREFIX: testRedisPrefix(`partners-${randomUUID().slice(0, 8)}`),
    ...signing.env,
  };
  const subgraphs = {} as Record<SubgraphName, RunningSubgraph>;
  let jwksUrl = '';
  // `<NAME>_INTERNAL_URL` of every subgraph booted so far: later ones read from earlier ones there.
  const internalUrls: Environment = {};
  const closeAll = async () => {
    for (const running of Object.values(subgraphs).reverse()) await running.close();
    await deleteTestTopology(testEnv.RABBITMQ_URL, messagingPrefix, MESSAGE_CONSUMER_NAMES);
  };
  try {
    for (const { name } of SUBGRAPHS) {
      const definition = await loadSubgraph(name);
      const running = await definition.boot(
        {
          ...common,
          DATABASE_URL: testDatabaseUrl(name),
          REDIS_KEY_PREFIX: testRedisPrefix(`${name}-${randomUUID().slice(0, 8)}`),
          DEV_SECRETS_DIR: secretsDir,
          ...(jwksUrl ? { JWKS_URL: jwksUrl } : {}),
          ...internalUrls,
          ...options.env?.[name],
        },
        logger.child({ service: name }),
      );
      subgraphs[name] = running;
      internalUrls[`${name.toUpperCase()}_INTERNAL_URL`] = running.internalUrl;
      if (name === TOKEN_ISSUER) jwksUrl = `${running.internalUrl}${JWKS_PATH}`;
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  const supergraphPath = path.join(secretsDir, 'supergraph.graphql');
  writeFileSync(
    supergraphPath,
    await composeSubgraphs(Object.fromEntries(Object.entries(subgraphs).map(([name, running]) => [name, running.graphqlUrl]))),
  );
  const gatewayServer = await startGateway(
    loadGatewayConfig({
      ...common,
      SUPERGRAPH_PATH: supergraphPath,
      JWKS_URL: jwksUrl,
      // Persisted documents in a key space of this platform's own, never the development one.
      APQ_KEY_PREFIX: testRedisPrefix(`apq-${randomUUID().slice(0, 8)}`),
      ...TEST_BUDGETS(),
      ...options.env?.gateway,
    }),
    logger.child({ service: 'gateway' }),
  );
  const mail = options.workers ? await startSmtpSink({ smtpPort: 0, httpPort: null }) : null;
  const workers: Partial<Record<WorkerName, RunningWorker>> = {};
  const startWorker = async (name: WorkerName): Promise<RunningWorker> => {
    const definition = await loadWorker(name);
    const running = await definition.boot(
      {
        ...common,
        INTERNAL_PORT: '0',
        DATABASE_URL: testDatabaseUrl(name),
        DEV_SECRETS_DIR: secretsDir,
        ...internalUrls,
        ...(mail ? { SMTP_PORT: String(mail.smtpPort) } : {}),
        SENDER_POLL_MS: '50',
        SENDER_RETRY_BASE_MS: '50',
        SENDER_RETRY_MAX_MS: '500',
      },
      logger.child({ service: name }),
    );
    workers[name] = running;
    return running;
  };
  const closeWorkers = async () => {
    for (const running of Object.values(workers)) await running.close();
    await mail?.close();
  };
  if (options.workers) {
    try {
      for (const name of WORKER_NAMES) await startWorker(name);
    } catch (error) {
      await closeWorkers();
      await gatewayServer.close();
      await closeAll();
      throw error;
    }
  }
  // The users subgraph generated its dev signing key into the secrets directory: sign with it.
  const tokens = await createTestTokenIssuer(JSON.parse(readFileSync(path.join(secretsDir, 'jwt-signing-key.json'), 'utf8')) as JWK);

  return {
    gateway: new GraphQLTestClient(gatewayServer.graphqlUrl),
    gatewayServer,
    subgraphs,
    jwksUrl,
    subgraphClient: (name) => new GraphQLTestClient(subgraphs[name].graphqlUrl, signing.signer),
    signing,
    messagingPrefix,
    tokens,
    signAccessToken: (claims, signOptions) => tokens.sign(claims, signOptions),
    mail,
    workers,
    startWorker,
    async close() {
      await closeWorkers();
      await gatewayServer.close();
      await closeAll();
      rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}
