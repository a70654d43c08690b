import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { JWKS_PATH } from '../../platform/auth/access-token.ts';
import { databaseUrl, INTERNAL_PORT_OFFSET, loadConfig, messagingEnvironment, messagingSettings, processEnv } from '../../platform/config/load-config.ts';
import { readOrCreateDevSecret } from '../../platform/config/dev-secret-file.ts';
import { DEV_GATEWAY_SIGNING_SECRET_FILE, newGatewaySigningSecret } from '../../platform/graphql/gateway-signature.ts';
import type { DemoFacts } from '../../platform/lifecycle/subgraph-definition.ts';
import { NO_DEMO_FACTS } from '../../platform/lifecycle/subgraph-definition.ts';
import { SUBGRAPH_NAMES, SUBGRAPHS, TOKEN_ISSUER, type SubgraphName } from '../../subgraphs/registry.ts';
import { DATABASE_OWNERS, WORKERS, type WorkerName } from '../../workers/registry.ts';
import { composeSubgraphs } from '../compose.ts';
import { ROOT, migrateAll } from './databases.ts';
import { seedDemoData } from './demo-data.ts';
import { declareMessageTopology } from './message-topology.ts';
import { messagingPrefixFor, scriptsConfig } from './scripts-config.ts';
import { stopChild, waitUntilReady } from './service-process.ts';
import { startSmtpSink } from './smtp-sink.ts';
import { throwawayProductionSecrets } from './throwaway-secrets.ts';

export interface StackOptions {
  /** Databases are `${databasePrefix}<subgraph>`. */
  databasePrefix: string;
  redisKeyPrefix: string;
  gatewayPort: number;
  /** The first subgraph gets this port, the next one the next port, in registry order. */
  subgraphBasePort: number;
  nodeEnv: 'development' | 'production';
  logLevel: string;
  /** Each process writes its output to <logDir>/<name>.log. */
  logDir: string;
  seed: boolean;
  /** Over the gateway's environment (the benchmarks' budgets). */
  gatewayEnv?: Record<string, string>;
  /** Over every process' environment, and over one process' by name (fault tests: a broker proxy, short timeouts). */
  env?: Record<string, string>;
  processEnv?: Partial<Record<string, Record<string, string>>>;
  /**
   * The SMTP sink the workers send to (scripts/lib/smtp-sink.ts): its SMTP port and the port of
   * its HTTP listing (null: none). Default: any free SMTP port, no listing, mail discarded unread
   * (benchmarks).
   */
  smtpSink?: { smtpPort: number; httpPort: number | null };
  report?: (line: string) => void;
}

export interface RunningStack {
  gatewayUrl: string;
  /** The gateway's internal listener: /metrics, readiness details. */
  gatewayInternalUrl: string;
  /** Each subgraph's GraphQL URL and internal listener. */
  subgraphs: Record<SubgraphName, { url: string; internalUrl: string }>;
  /** Each worker's internal listener (health, metrics). */
  workers: Record<WorkerName, { internalUrl: string }>;
  /** Where the workers' mail goes: the sink's SMTP port and its listing (GET <httpUrl>/messages). */
  smtpSink: { smtpPort: number; httpUrl: string | null };
  /** The GATEWAY_SIGNING_SECRETS every process runs with, for whoever must call a subgraph as the gateway does (benchmarks). */
  gatewaySigningSecrets: string;
  demo: DemoFacts;
  /** Sends `signal` to one process (`gateway`, a subgraph's or a worker's name) and waits until it has exited. */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a process that was killed again, with the same environment, and waits until it is ready. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** What it takes to start it again. */
  entry: string;
  env: Record<string, string>;
  healthUrl: string;
}

const READY_TIMEOUT_MS = 60_000;

/** Where a process of the stack listening on `port` serves its internal routes. */
export function internalOrigin(port: number): string {
  return `http://127.0.0.1:${port + INTERNAL_PORT_OFFSET}`;
}

/**
 * Starts the whole platform as separate processes, the way production runs it: migrate, declare
 * the message topology, seed, compose, then each subgraph, the workers and the gateway, each
 * waited on until `/health/ready` says yes.
 * Each process listens on its port and, for internal routes, on that port + INTERNAL_PORT_OFFSET;
 * all share one gateway signing secret. Used by `npm start` and the benchmarks.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const report = options.report ?? (() => {});
  mkdirSync(options.logDir, { recursive: true });
  const names = SUBGRAPH_NAMES;
  const ports = Object.fromEntries(SUBGRAPHS.map((s, index) => [s.name, options.subgraphBasePort + index])) as Record<SubgraphName, number>;
  const urls = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, `http://127.0.0.1:${ports[s.name]}/graphql`])) as Record<SubgraphName, string>;
  const jwksUrl = `${internalOrigin(ports[TOKEN_ISSUER])}${JWKS_PATH}`;
  const secrets = stackSecrets(options);

  // A worker listens where it would in `npm start` (notifications 9007), shifted with the subgraphs' ports.
  const workerPorts = Object.fromEntries(WORKERS.map((w) => [w.name, w.internalPort - SUBGRAPHS[0].port + options.subgraphBasePort])) as Record<WorkerName, number>;

  report('Migrating databases…');
  await migrateAll(scriptsConfig.POSTGRES_URL, options.databasePrefix, DATABASE_OWNERS, (line) => report(`  ${line}`));

  const baseEnv = (port: number): Record<string, string> => ({
    NODE_ENV: options.nodeEnv,
    LOG_LEVEL: options.logLevel,
    LOG_PRETTY: 'false',
    HOST: '127.0.0.1',
    // INTERNAL_PORT is left to its default, port + INTERNAL_PORT_OFFSET (see internalOrigin).
    PORT: String(port),
    JWKS_URL: jwksUrl,
    // Every process of the stack, gateway included, reads one list of ended sessions.
    REDIS_URL: scriptsConfig.REDIS_URL,
    SESSIONS_KEY_PREFIX: `${options.redisKeyPrefix}sessions:`,
    // The stack's own key spaces (the defaults are `npm start`'s, prefix `shop:`, so scripts such as
    // pq:publish reach the dev stack without settings).
    BUDGETS_KEY_PREFIX: `${options.redisKeyPrefix}budgets:`,
    PARTNERS_KEY_PREFIX: `${options.redisKeyPrefix}partners:`,
    APQ_KEY_PREFIX: `${options.redisKeyPrefix}apq:`,
    // The stack's own exchanges and queues (`shop.` for npm start, the default of every process).
    RABBITMQ_URL: scriptsConfig.RABBITMQ_URL,
    MESSAGING_PREFIX: messagingPrefixFor(options.redisKeyPrefix),
    GATEWAY_SIGNING_SECRETS: secrets.GATEWAY_SIGNING_SECRETS,
    ...options.env,
    // Where each subgraph serves internal reads (platform/http/internal-read.ts) in this stack.
    ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.name.toUpperCase()}_INTERNAL_URL`, internalOrigin(ports[s.name])])),
  });
  const serviceEnv = (name: SubgraphName, port: number): Record<string, string> => ({
    ...baseEnv(port),
    DATABASE_URL: databaseUrl(scriptsConfig.POSTGRES_URL, `${options.databasePrefix}${name}`),
    REDIS_KEY_PREFIX: `${options.redisKeyPrefix}${name}:`,
    ...secrets,
  });

  // Every queue and binding before any process starts, so nothing published early is dropped.
  // With the delivery limit each consumer's own process reads (a test may give one its own).
  report('Declaring the message topology…');
  const messagingOf = (env: Record<string, string>) => messagingSettings(loadConfig('stack', z.object(messagingEnvironment()), env));
  await declareMessageTopology(
    messagingOf(baseEnv(0)),
    (owner) => messagingOf({ ...baseEnv(0), ...options.processEnv?.[owner] }).deliveryLimit,
    (line) => report(`  ${line}`),
  );

  let demo = NO_DEMO_FACTS;
  if (options.seed) {
    report('Seeding demo data (only into empty databases)…');
    // Demo data is a development convenience even when the services run in production mode (benchmarks).
    demo = await seedDemoData((name) => ({ ...serviceEnv(name, 0), NODE_ENV: 'development' }));
    report(demo.created ? `  seeded ${demo.vendorIds.length} vendors and ${demo.products} products` : '  demo data already present');
  }

  report('Composing the supergraph…');
  const supergraphPath = path.join(options.logDir, 'supergraph.graphql');
  writeFileSync(supergraphPath, await composeSubgraphs(urls));

  const processes: ManagedProcess[] = [];
  // In this process, like the launcher: the workers' mail stays on this machine.
  // Without a listing nobody can read the mail: the sink accepts and discards it.
  const sink = await startSmtpSink(options.smtpSink ?? { smtpPort: 0, httpPort: null, keep: false });
  const stop = async () => {
    await stopAll(processes);
    await sink.close();
  };
  // If the launcher dies without a clean stop, do not leave detached services behind.
  process.once('exit', () => {
    for (const { child } of processes) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  try {
    for (const { name } of SUBGRAPHS) {
      const port = ports[name];
      processes.push(spawnService(name, `subgraphs/${name}/main.ts`, { ...serviceEnv(name, port), ...options.processEnv?.[name] }, options.logDir, `http://127.0.0.1:${port}/health/ready`));
      await ready(processes.at(-1)!);
      report(`  ✓ ${name} subgraph on ${urls[name]}`);
    }
    for (const { name } of WORKERS) {
      const internalPort = workerPorts[name];
      const env = {
        ...baseEnv(0),
        INTERNAL_PORT: String(internalPort),
        DATABASE_URL: databaseUrl(scriptsConfig.POSTGRES_URL, `${options.databasePrefix}${name}`),
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(sink.smtpPort),
        ...secrets,
        ...options.processEnv?.[name],
      };
      processes.push(spawnService(name, `workers/${name}/main.ts`, env, options.logDir, `http://127.0.0.1:${internalPort}/health/ready`));
      await ready(processes.at(-1)!);
      report(`  ✓ ${name} worker (health and metrics on http://127.0.0.1:${internalPort})`);
    }
    const gatewayEnv: Record<string, string> = {
      ...baseEnv(options.gatewayPort),
      SUPERGRAPH_PATH: supergraphPath,
      ...Object.fromEntries(SUBGRAPHS.map((s) => [`SUBGRAPH_URL_${s.name.toUpperCase()}`, urls[s.name]])),
      ...options.gatewayEnv,
      ...options.processEnv?.gateway,
    };
    processes.push(spawnService('gateway', 'gateway/main.ts', gatewayEnv, options.logDir, `http://127.0.0.1:${options.gatewayPort}/health/ready`));
    await ready(processes.at(-1)!);
    report(`  ✓ gateway on http://127.0.0.1:${options.gatewayPort}/graphql`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gatewayUrl: `http://127.0.0.1:${options.gatewayPort}/graphql`,
    gatewayInternalUrl: internalOrigin(options.gatewayPort),
    subgraphs: Object.fromEntries(names.map((name) => [name, { url: urls[name], internalUrl: internalOrigin(ports[name]) }])) as RunningStack['subgraphs'],
    workers: Object.fromEntries(WORKERS.map((w) => [w.name, { internalUrl: `http://127.0.0.1:${workerPorts[w.name]}` }])) as RunningStack['workers'],
    smtpSink: { smtpPort: sink.smtpPort, httpUrl: sink.httpUrl },
    gatewaySigningSecrets: secrets.GATEWAY_SIGNING_SECRETS,
    demo,
    kill: async (name, signal = 'SIGTERM') => {
      const managed = processes.find((candidate) => candidate.name === name);
      if (!managed) throw new Error(`no process ${name} in this stack`);
      await signalAndWait(managed.child, signal);
    },
    restart: async (name) => {
      const index = processes.findIndex((candidate) => candidate.name === name);
      const managed = processes[index];
      if (!managed) throw new Error(`no process ${name} in this stack`);
      if (managed.child.exitCode === null && managed.child.signalCode === null) throw new Error(`${name} is still running`);
      const again = spawnService(managed.name, managed.entry, managed.env, options.logDir, managed.healthUrl);
      processes[index] = again;
      await ready(again);
    },
    stop,
  };
}

function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Development keeps its keys in .dev-secrets (the users subgraph generates its own there once;
 * the gateway signing secret is made there once too and passed to every process). Production mode
 * (benchmarks) must be given keys, so the stack makes throwaway ones for that run.
 */
function stackSecrets(options: StackOptions): Record<string, string> & { GATEWAY_SIGNING_SECRETS: string } {
  if (options.nodeEnv !== 'development') return throwawayProductionSecrets();
  const devSecretsDir = path.join(ROOT, '.dev-secrets');
  const signing = readOrCreateDevSecret(devSecretsDir, DEV_GATEWAY_SIGNING_SECRET_FILE, newGatewaySigningSecret);
  return { DEV_SECRETS_DIR: devSecretsDir, GATEWAY_SIGNING_SECRETS: signing.value };
}

function spawnService(name: string, entry: string, env: Record<string, string>, logDir: string, healthUrl: string): ManagedProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: processEnv().PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal's Ctrl-C reaches only the launcher, which then stops services in order.
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return { name, child, logFile, entry, env, healthUrl };
}

function ready(service: ManagedProcess): Promise<void> {
  return waitUntilReady(service.name, service.child, service.healthUrl, { timeoutMs: READY_TIMEOUT_MS, describe: () => tail(service.logFile) });
}

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log output)';
  }
}

/** Gateway first (stop taking traffic), then workers, then subgraphs; SIGTERM, then SIGKILL after a grace period. */
async function stopAll(processes: ManagedProcess[]): Promise<void> {
  for (const { child } of [...processes].reverse()) await stopChild(child);
}
