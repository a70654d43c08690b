import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from 'amqplib';
import type { JWK } from 'jose';
import pg from 'pg';
import { expect } from 'vitest';
import { databaseUrl } from '../../platform/config/load-config.ts';
import { listDeadLetters, replayDeadLetters, type DeadLetter } from '../../platform/messaging/dead-letters.ts';
import { deleteTestTopology } from '../../platform/messaging/testing/topology-cleanup.ts';
import { createTestTokenIssuer } from '../../platform/testing/access-tokens.ts';
import { dropDatabase, ROOT } from '../../scripts/lib/databases.ts';
import { messagingPrefixFor } from '../../scripts/lib/scripts-config.ts';
import { startStack, type RunningStack } from '../../scripts/lib/stack.ts';
import { MESSAGE_CONSUMER_NAMES, SUBGRAPH_NAMES } from '../../subgraphs/registry.ts';
import { DATABASE_OWNERS } from '../../workers/registry.ts';
import { GraphQLTestClient } from './graphql-client.ts';
import { marketplace, type Marketplace } from './marketplace.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { testEnv } from './test-env.ts';
import { waitFor } from './wait.ts';

/**
 * The platform as separate processes (scripts/lib/stack.ts) for the checkout fault tests: its own
 * databases (dropped and migrated afresh, so a run never sees an earlier run's rows), its own
 * Redis keys and broker topology (deleted at the end), ports picked at random in 4700–4990 (a
 * range no other test uses), and optionally every process' broker connection through a proxy
 * the test can cut. Gives the test SQL access to each database for the end-of-scenario checks.
 */
export interface FaultStack {
  stack: RunningStack;
  shop: Marketplace;
  gateway: GraphQLTestClient;
  /** Every process' connection to RabbitMQ goes through it (when started with `brokerProxy`). */
  broker: TcpProxy | null;
  messagingPrefix: string;
  /** The JSON log lines a process wrote so far (each process logs to <logDir>/<name>.log). */
  logOf(name: string): Record<string, unknown>[];
  sql(database: string, text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  /** GET of the SMTP sink's listing. */
  mail(): Promise<{ to: string[]; subject: string }[]>;
  deadLetters(consumer: string): Promise<DeadLetter[]>;
  replay(consumer: string, ids?: string[]): Promise<DeadLetter[]>;
  /** Waits until `/health/ready` of a process (a subgraph's name, a worker's or `gateway`) answers 200. */
  ready(name: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FaultStackOptions {
  /** Names the databases (`<test prefix>faults_<scope>_<name>`) and logs. */
  scope: string;
  brokerProxy?: boolean;
  env?: Record<string, string>;
  processEnv?: Partial<Record<string, Record<string, string>>>;
}

/** Short timeouts and fast polling so a scenario takes seconds, not minutes. */
const FAST = {
  OUTBOX_POLL_MS: '100',
  SAGA_SWEEP_INTERVAL_MS: '500',
  SENDER_POLL_MS: '100',
  SENDER_RETRY_BASE_MS: '100',
  SENDER_RETRY_MAX_MS: '1000',
};

/** The databases with an outbox (prisma/<name>/schema.prisma): catalog, cart and the worker only consume. */
const OUTBOX_OWNERS = ['users', 'inventory', 'payments', 'orders'];

const BIG_BUDGETS = {
  BUDGET_ANONYMOUS: '1000000000/1s',
  BUDGET_CUSTOMER: '1000000000/1s',
  BUDGET_PARTNER: '1000000000/1s',
  BUDGET_ADMIN: '1000000000/1s',
};

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const run = randomUUID().slice(0, 8);
  const databasePrefix = `${testEnv.TEST_DATABASE_PREFIX}faults_${options.scope}_`;
  const redisKeyPrefix = `${testEnv.TEST_REDIS_PREFIX}faults-${options.scope}-${run}:`;
  const messagingPrefix = messagingPrefixFor(redisKeyPrefix);
  for (const name of DATABASE_OWNERS) await dropDatabase(testEnv.POSTGRES_URL, `${databasePrefix}${name}`);

  let broker: TcpProxy | null = null;
  let brokerUrl = testEnv.RABBITMQ_URL;
  if (options.brokerProxy) {
    const target = new URL(testEnv.RABBITMQ_URL);
    broker = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5672) });
    target.hostname = '127.0.0.1';
    target.port = String(broker.port);
    brokerUrl = target.toString();
  }

  const logDir = path.join(ROOT, '.logs', `test-faults-${options.scope}-${run}`);
  let stack: RunningStack | undefined;
  // A random port range per run; a port another process took makes the stack fail to start: try once more elsewhere.
  for (let attempt = 0; attempt < 2 && !stack; attempt += 1) {
    const gatewayPort = 4700 + Math.floor(Math.random() * 280);
    try {
      stack = await startStack({
        databasePrefix,
        redisKeyPrefix,
        gatewayPort,
        subgraphBasePort: gatewayPort + 1,
        nodeEnv: 'development',
        logLevel: 'info',
        logDir,
        seed: false,
        gatewayEnv: BIG_BUDGETS,
        env: { ...FAST, ...options.env, ...(broker ? { RABBITMQ_URL: brokerUrl } : {}) },
        // Every shopper and store owner of a file signs up from 127.0.0.1: more than users' default allows an address.
        processEnv: { ...options.processEnv, users: { SIGNUP_MAX_PER_IP: '1000', ...options.processEnv?.users } },
        smtpSink: { smtpPort: 0, httpPort: 0 },
      });
    } catch (error) {
      if (attempt === 1 || !String(error instanceof Error ? error.message : error).includes('EADDRINUSE')) {
        await broker?.close();
        throw error;
      }
    }
  }
  if (!stack) throw new Error('stack did not start');
  const running = stack;

  const pools = new Map<string, pg.Pool>();
  const pool = (database: string) => {
    let found = pools.get(database);
    if (!found) {
      found = new pg.Pool({ connectionString: databaseUrl(testEnv.POSTGRES_URL, `${databasePrefix}${database}`), max: 2 });
      pools.set(database, found);
    }
    return found;
  };
  const withChannel = async <T>(work: (channel: Awaited<ReturnType<Awaited<ReturnType<typeof connect>>['createConfirmChannel']>>) => Promise<T>): Promise<T> => {
    // The test talks to the broker directly, never through the proxy it may have cut.
    const connection = await connect(testEnv.RABBITMQ_URL);
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      return await work(channel);
    } finally {
      await connection.close().catch(() => undefined);
    }
  };

  // In development the users subgraph keeps its signing key in .dev-secrets: sign admin and vendor tokens with it.
  const tokens = await createTestTokenIssuer(JSON.parse(readFileSync(path.join(ROOT, '.dev-secrets', 'jwt-signing-key.json'), 'utf8')) as JWK);
  const gateway = new GraphQLTestClient(running.gatewayUrl);
  const adminToken = await tokens.sign({ sub: randomUUID(), role: 'ADMIN' });
  const shop = marketplace({ gateway, adminToken, sign: (claims) => tokens.sign(claims) }, run);

  const healthUrl = (name: string) => {
    if (name === 'gateway') return `${running.gatewayUrl.replace(/\/graphql$/, '')}/health/ready`;
    if ((SUBGRAPH_NAMES as readonly string[]).includes(name)) return `${running.subgraphs[name as keyof RunningStack['subgraphs']].url.replace(/\/graphql$/, '')}/health/ready`;
    return `${running.workers[name as keyof RunningStack['workers']].internalUrl}/health/ready`;
  };

  return {
    stack: running,
    shop,
    gateway,
    broker,
    messagingPrefix,
    logOf: (name) =>
      readFileSync(path.join(logDir, `${name}.log`), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async sql(database, text, values = []) {
      return (await pool(database).query(text, values)).rows as Record<string, unknown>[];
    },
    async mail() {
      const response = await fetch(`${running.smtpSink.httpUrl}/messages`);
      return (await response.json()) as { to: string[]; subject: string }[];
    },
    deadLetters: (consumer) => withChannel((channel) => listDeadLetters(channel, `${messagingPrefix}${consumer}`)),
    replay: (consumer, ids) => withChannel((channel) => replayDeadLetters(channel, `${messagingPrefix}${consumer}`, ids)),
    async ready(name, timeoutMs = 30_000) {
      await waitFor(`${name} ready`, async () => (await fetch(healthUrl(name)).then((response) => response.ok).catch(() => false)) || undefined, { timeoutMs, intervalMs: 200 });
    },
    async close() {
      await running.stop();
      for (const open of pools.values()) await open.end();
      await broker?.close();
      await deleteTestTopology(testEnv.RABBITMQ_URL, messagingPrefix, MESSAGE_CONSUMER_NAMES);
    },
  };
}

export interface PlacedOrder {
  id: string;
  number: string;
  customerEmail: string;
  variantId: string;
  quantity: number;
}

/**
 * What every fault scenario ends with: each order terminal (those in `mustConfirm` CONFIRMED);
 * stock adding up per variant (on hand = initial − units of CONFIRMED orders, nothing reserved);
 * exactly the CONFIRMED orders captured, each once and for its total; no outbox row unpublished
 * and every dead-letter queue empty; one email per recipient per CONFIRMED order.
 */
export async function expectSettled(
  faults: FaultStack,
  orders: PlacedOrder[],
  expectations: { initialStock: Record<string, number>; mustConfirm?: Set<string>; storeOwnerEmail: string; timeoutMs?: number },
): Promise<Map<string, string>> {
  const ids = orders.map((order) => order.id);
  const statuses = await waitFor(
    'every order terminal',
    async () => {
      const rows = await faults.sql('orders', `SELECT id::text, status::text FROM orders WHERE id = ANY($1::uuid[])`, [ids]);
      const map = new Map(rows.map((row) => [row.id as string, row.status as string]));
      const open = ids.filter((id) => !['CONFIRMED', 'CANCELLED'].includes(map.get(id) ?? ''));
      if (open.length === 0) return map;
      throw new Error(`not terminal: ${open.map((id) => `${id}=${map.get(id)}`).join(', ')}`);
    },
    { timeoutMs: expectations.timeoutMs ?? 60_000, intervalMs: 200 },
  );
  for (const id of expectations.mustConfirm ?? []) expect(statuses.get(id), `order ${id}`).toBe('CONFIRMED');
  const confirmed = orders.filter((order) => statuses.get(order.id) === 'CONFIRMED');

  // Stock: every reservation either committed (CONFIRMED) or released.
  for (const [variantId, initial] of Object.entries(expectations.initialStock)) {
    const sold = confirmed.filter((order) => order.variantId === variantId).reduce((sum, order) => sum + order.quantity, 0);
    await waitFor(`stock of ${variantId} settled`, async () => {
      const [row] = await faults.sql('inventory', `SELECT COALESCE(SUM(on_hand),0)::int AS on_hand, COALESCE(SUM(reserved),0)::int AS reserved FROM stock_items WHERE variant_id = $1`, [variantId]);
      if (row!.on_hand === initial - sold && row!.reserved === 0) return true;
      throw new Error(`on hand ${String(row!.on_hand)} (want ${initial - sold}), reserved ${String(row!.reserved)} (want 0)`);
    }, { timeoutMs: 20_000, intervalMs: 200 });
  }

  // Money: captured exactly for the CONFIRMED orders, once.
  const totals = new Map((await faults.sql('orders', `SELECT id::text, total FROM orders WHERE id = ANY($1::uuid[])`, [ids])).map((row) => [row.id as string, row.total as number]));
  const payments = await faults.sql('payments', `SELECT order_id::text, status::text, captured_amount FROM payments WHERE order_id = ANY($1::uuid[])`, [ids]);
  const sales = await faults.sql('payments', `SELECT p.order_id::text, COUNT(*)::int AS n FROM ledger_entries l JOIN payments p ON p.id = l.payment_id WHERE p.order_id = ANY($1::uuid[]) AND l.kind::text = 'SALE' GROUP BY p.order_id`, [ids]);
  for (const order of orders) {
    const payment = payments.find((row) => row.order_id === order.id);
    if (statuses.get(order.id) === 'CONFIRMED') {
      expect(payment, `payment of ${order.id}`).toMatchObject({ status: 'CAPTURED', captured_amount: totals.get(order.id) });
      expect(sales.find((row) => row.order_id === order.id)?.n, `SALE entries of ${order.id}`).toBe(1);
    } else {
      expect(payment?.captured_amount ?? 0, `captured for cancelled ${order.id}`).toBe(0);
      expect(sales.find((row) => row.order_id === order.id), `SALE entries of cancelled ${order.id}`).toBeUndefined();
    }
  }

  // No message lost: every outbox published, nothing parked.
  await waitFor('every outbox published', async () => {
    const pending: string[] = [];
    for (const database of OUTBOX_OWNERS) {
      const [row] = await faults.sql(database, `SELECT COUNT(*)::int AS n FROM outbox_message WHERE published_at IS NULL`);
      if ((row!.n as number) > 0) pending.push(`${database}: ${String(row!.n)}`);
    }
    if (pending.length === 0) return true;
    throw new Error(pending.join(', '));
  }, { timeoutMs: 20_000, intervalMs: 200 });
  for (const consumer of MESSAGE_CONSUMER_NAMES) expect(await faults.deadLetters(consumer), `DLQ of ${consumer}`).toEqual([]);

  // Emails: the customer and the store each get one per CONFIRMED order.
  const wanted = confirmed.flatMap((order) => [order.customerEmail, expectations.storeOwnerEmail].map((to) => ({ to, number: order.number })));
  const count = (mail: { to: string[]; subject: string }[], want: { to: string; number: string }) =>
    mail.filter((message) => message.to.includes(want.to) && message.subject.includes(want.number)).length;
  await waitFor('one email per recipient per confirmed order', async () => {
    const mail = await faults.mail();
    const missing = wanted.filter((want) => count(mail, want) === 0);
    if (missing.length === 0) return true;
    throw new Error(`missing: ${missing.map((want) => `${want.to}/${want.number}`).join(', ')}`);
  }, { timeoutMs: 30_000, intervalMs: 200 });
  const mail = await faults.mail();
  for (const want of wanted) expect(count(mail, want), `emails to ${want.to} for ${want.number}`).toBe(1);
  return statuses;
}
