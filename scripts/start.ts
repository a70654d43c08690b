import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from './lib/databases.ts';
import { scriptsConfig } from './lib/scripts-config.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';
import { WORKERS } from '../workers/registry.ts';
import { startStack } from './lib/stack.ts';

/**
 * `npm start`: the whole platform on this machine, one command. Progress lines here; each
 * service's own (JSON) log goes to .logs/<service>.log.
 */
const started = Date.now();
const say = (line: string) => console.log(line);
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/** A PostgreSQL URL may name a socket directory (`?host=/var/run/postgresql`) instead of a TCP host. */
const socketDirOf = (url: string) => new URL(url).searchParams.get('host')?.startsWith('/') ? new URL(url).searchParams.get('host') : null;
const whereIs = (url: string) => socketDirOf(url) ?? new URL(url).host;

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const socketDir = socketDirOf(url);
  const portNumber = Number(port || defaultPort);
  return new Promise((resolve) => {
    const socket = socketDir
      ? net.connect({ path: path.join(socketDir, `.s.PGSQL.${portNumber}`), timeout: 2_000 })
      : net.connect({ host: hostname, port: portNumber, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

const HOW_TO_START = {
  PostgreSQL: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start   (or: docker compose up -d postgres)',
  Redis: 'redis-server --daemonize yes --port 6379 --save "" --appendonly no   (or: docker compose up -d redis)',
  RabbitMQ: 'rabbitmq-server -detached   (or: docker compose up -d rabbitmq)',
};

say('Checking local services…');
const checks = [
  { name: 'PostgreSQL' as const, url: scriptsConfig.POSTGRES_URL, port: 5432 },
  { name: 'Redis' as const, url: scriptsConfig.REDIS_URL, port: 6379 },
  // users publishes and catalog consumes vendor status events; without the broker they are not ready.
  { name: 'RabbitMQ' as const, url: scriptsConfig.RABBITMQ_URL, port: 5672 },
];
let missing = false;
for (const check of checks) {
  if (await reachable(check.url, check.port)) {
    say(`  ✓ ${check.name} at ${whereIs(check.url)}`);
  } else {
    missing = true;
    say(`  ✗ ${check.name} is not reachable at ${whereIs(check.url)}. Start it with:\n      ${HOW_TO_START[check.name]}`);
  }
}
if (missing) process.exit(1);

const generatedClients = [
  ...SUBGRAPHS.map(({ name }) => path.join(ROOT, 'subgraphs', name, '__generated__', 'prisma', 'client.ts')),
  ...WORKERS.map(({ name }) => path.join(ROOT, 'workers', name, '__generated__', 'prisma', 'client.ts')),
];
if (!generatedClients.every((file) => existsSync(file))) {
  say('Generated code is missing; run `npm ci` (or `npm run generate`) first.');
  process.exit(1);
}

const logDir = path.join(ROOT, '.logs');
// Keys are generated per checkout; databases are per machine. Remember whether this checkout had keys.
const hadDevSecrets = existsSync(path.join(ROOT, '.dev-secrets', 'pii-encryption-key'));
let stack: Awaited<ReturnType<typeof startStack>>;
try {
  stack = await startStack({
    databasePrefix: scriptsConfig.DATABASE_PREFIX,
    redisKeyPrefix: 'shop:',
    gatewayPort: scriptsConfig.GATEWAY_PORT,
    subgraphBasePort: scriptsConfig.SUBGRAPH_BASE_PORT,
    nodeEnv: 'development',
    logLevel: 'info',
    logDir,
    seed: true,
    smtpSink: { smtpPort: scriptsConfig.SMTP_SINK_PORT, httpPort: scriptsConfig.SMTP_SINK_HTTP_PORT },
    report: say,
  });
} catch (error) {
  say(`\nStart failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const endpoint = `http://localhost:${scriptsConfig.GATEWAY_PORT}/graphql`;
say(`\nReady in ${seconds()}: ${endpoint}  (Apollo Sandbox: open it in a browser)`);
say('Demo logins (development only):');
const vendorLogins = stack.demo.logins.filter((login) => login.role === 'VENDOR');
for (const login of [...stack.demo.logins.filter((l) => l.role !== 'VENDOR'), ...vendorLogins.slice(0, 1)]) {
  const password = login.password ?? '(generated and printed at first start only; see README)';
  const more = login.role === 'VENDOR' && vendorLogins.length > 1 ? `   (also vendor2 … vendor${vendorLogins.length}, same password)` : '';
  say(`  ${login.role.padEnd(8)} ${login.email.padEnd(24)} ${password}${more}`);
}
if (!hadDevSecrets && !stack.demo.created) {
  say(
    '\nNote: the dev databases were made by another checkout, with other keys. Old sessions are invalid and\n' +
      "encrypted fields (phones, addresses) of old accounts can't be read here. For a clean slate: npm run db:reset -- --yes",
  );
}
say(`Emails the platform sends (order confirmations, …) land in a local SMTP sink: ${stack.smtpSink.httpUrl ?? ''}/messages`);
say(`Service logs: ${path.relative(process.cwd(), logDir) || '.'}/<service>.log · Ctrl-C stops everything.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say('\nStopping…');
  await stack.stop();
  say('Stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
