import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { request } from 'undici';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../../platform/auth/access-token.ts';
import type { Role } from '../../platform/auth/viewer.ts';
import { BENCH_DATABASE_PREFIX, benchLog as log, machine, positiveFlag as positive, round, withBenchStack, writeBenchResults } from './bench-stack.ts';
import { benchHotSku, type HotSkuFigures } from './hot-sku.ts';
import { DATABASE_OWNERS } from '../../workers/registry.ts';
import { dropDatabase, vacuumAnalyze, withDatabaseClient } from '../lib/databases.ts';
import { scriptsConfig } from '../lib/scripts-config.ts';
import { hostCpuSeconds } from './host-cpu.ts';
import { cpuSeconds } from './load.ts';

/** Beside the other benches' ports (catalog 41 0x, cost 41 4x, edge 41 6x), so any two can run on one machine. */
const GATEWAY_PORT = 4180;
const SUBGRAPH_BASE_PORT = 4181;

/** The issue's targets on this machine: at N = 50, ≥ 100 orders/s and p95 under 1 s; ≥ 1,000 reservations/s on one SKU. */
const TARGETS = { shoppers: 50, ordersPerSecond: 100, p95Ms: 1_000, reservationsPerSecond: 1_000 };

const ADDRESS = { name: 'Bench Shopper', line1: 'Torstraße 1', postalCode: '10119', city: 'Berlin', country: 'DE' };

export interface CheckoutBenchOptions {
  /** One round per entry: that many shoppers check out at once. */
  shoppers: number[];
  /** How often the bench counts the round's settled orders (one admin query), until all are or the deadline passes. */
  pollMs: number;
  /** How long a round waits for every order to end before counting the ones still open. */
  deadlineSeconds: number;
  hotSkuConcurrency: number;
  hotSkuSeconds: number;
  /** Shoppers of each unreported round before the measured ones. */
  warmUpShoppers: number;
  /** How many unreported rounds: V8 keeps compiling (and, after major GCs, recompiling) hot code for about a thousand orders. */
  warmUpRounds: number;
  /**
   * Run on the bench databases as an earlier run left them (their orders, messages and dead rows),
   * instead of from the demo data alone: a run's figures then depend on how many ran before.
   */
  keepDatabases: boolean;
}

export interface RoundFigures {
  shoppers: number;
  /** Shoppers whose cart could not be filled or whose placeOrder failed (an error, not a userError): no order to wait for. */
  notPlaced: number;
  placed: number;
  confirmed: number;
  cancelled: number;
  /** Placed orders not CONFIRMED/CANCELLED when the deadline passed. */
  nonTerminal: number;
  /** Confirmed orders / time from the first placeOrder sent to the last confirmedAt. */
  ordersPerSecond: number;
  wallMs: number;
  /** confirmedAt − placedAt, the server's own timestamps. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** The client's placeOrder round trip (the mutation alone). */
  placeOrderMs: { p50: number; p99: number };
  /** Time spent in each saga hop (statusHistory: PENDING → STOCK_RESERVED → PAYMENT_AUTHORIZED → CONFIRMED), p50 / p95. */
  hopsMs: Record<string, { p50: number; p95: number }>;
  /** Per product: units before, after, and units in confirmed orders; oversold when after < 0 or before − after ≠ confirmed units. */
  stock: { before: number; after: number; confirmedUnits: number }[];
  oversold: boolean;
  /**
   * CPU milliseconds per placed order of each Node process (its /metrics), from the first
   * placeOrder until every order ended and was read; `all` is their sum. Beside them, from /proc
   * where the servers are local: `postgres`, `rabbitmq` and `machine` (every process, the
   * bench's own included). Where an order's cost goes.
   */
  cpuMsPerOrder: Record<string, number>;
}

export interface CheckoutBenchResults {
  startedAt: string;
  machine: ReturnType<typeof machine>;
  options: CheckoutBenchOptions;
  rounds: RoundFigures[];
  hotSku: HotSkuFigures;
}

interface Store {
  vendorId: string;
  token: string;
}

interface OrderRead {
  status: string;
  placedAt: string;
  confirmedAt: string | null;
  statusHistory: { to: string; at: string }[];
}

const percentile = (sorted: number[], p: number) => round(sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0));
const sortedOf = (values: number[]) => [...values].sort((a, b) => a - b);

/**
 * Access tokens signed with the key the bench hands the users subgraph (production mode's
 * throwaway key is the stack's own): shoppers are made in microseconds, not through argon2
 * sign-ups the users subgraph rate-limits per IP.
 */
async function tokenSigner() {
  const jwk: JWK = { ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
  const key = (await importJWK(jwk, ACCESS_TOKEN_ALGORITHM)) as CryptoKey;
  return {
    privateJwk: JSON.stringify(jwk),
    sign: (claims: { sub: string; role: Role; vid?: string }) =>
      new SignJWT({ role: claims.role, vid: claims.vid ?? null, sid: randomUUID() })
        .setSubject(claims.sub)
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('10m')
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: jwk.kid!, typ: 'JWT' })
        .sign(key),
  };
}

/**
 * `n` customer accounts written straight into the bench's users database, in one statement: their
 * confirmation emails need an address users knows (notifications reads it at send time), and `n`
 * argon2 sign-ups through the rate-limited signUp would take longer than the round. The stored
 * password hash is not one, so it verifies nothing: nobody can log in as them.
 */
async function shopperAccounts(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await withDatabaseClient(scriptsConfig.POSTGRES_URL, `${BENCH_DATABASE_PREFIX}users`, (client) =>
    client.query(
      `INSERT INTO users (id, email, password_hash, name, updated_at)
       SELECT id, 'shopper-' || id || '@bench.example.com', '!no-password', 'Bench Shopper', now() FROM unnest($1::uuid[]) AS t(id)`,
      [ids],
    ),
  );
  return ids;
}

/** Answers the gateway asks to retry shortly (the session list not re-read in time on a loaded machine). */
const RETRY_SHORTLY = ['SESSION_CHECK_UNAVAILABLE'];
/** placeOrder may also be sent again when its outcome is unknown: the same idempotency key returns the first order. */
const PLACE_ORDER_RETRY = [...RETRY_SHORTLY, 'OUTCOME_UNKNOWN'];
const RETRIES = 5;

function gatewayClient(url: string) {
  return async function graphql<T>(query: string, variables: Record<string, unknown>, token?: string, retryOn: string[] = RETRY_SHORTLY): Promise<T> {
    const body = JSON.stringify({ query, variables });
    for (let attempt = 1; ; attempt += 1) {
      // undici's request rather than fetch: the shoppers run on the machine they measure, so the
      // client should take as little of it as it can.
      const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
      const answer = (await response.body.json()) as { data?: T; errors?: { extensions?: { code?: string } }[] };
      if (response.statusCode === 200 && !answer.errors?.length && answer.data) return answer.data;
      // The same body again: a placeOrder keeps its idempotency key, so a retry never places twice.
      if (attempt < RETRIES && answer.errors?.some((error) => retryOn.includes(error.extensions?.code ?? ''))) {
        await sleep(500 * attempt);
        continue;
      }
      throw new Error(`HTTP ${response.statusCode}: ${JSON.stringify(answer).slice(0, 400)}`);
    }
  };
}

type GraphQL = ReturnType<typeof gatewayClient>;

const noUserErrors = (what: string, payload: { userErrors: unknown[] }) => {
  if (payload.userErrors.length > 0) throw new Error(`${what}: ${JSON.stringify(payload.userErrors)}`);
};

/** An approved store with a real owner account (two sign-ups in all: the rate limit never matters). */
async function store(graphql: GraphQL, sign: Awaited<ReturnType<typeof tokenSigner>>['sign'], adminToken: string, label: string, run: string): Promise<Store> {
  const signed = await graphql<{ signUp: { user: { id: string } | null; accessToken: string | null; userErrors: unknown[] } }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken userErrors { code } } }`,
    { input: { email: `owner-${label}-${run}@example.com`, password: `Bench-${run}-Horse-Battery`, name: `Owner ${label}` } },
  );
  noUserErrors('signUp', signed.signUp);
  const applied = await graphql<{ applyForVendor: { vendor: { id: string } } }>(
    `mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } } }`,
    { input: { name: `${label} ${run}`, slug: `${label.toLowerCase()}-${run}` } },
    signed.signUp.accessToken!,
  );
  const vendorId = applied.applyForVendor.vendor.id;
  const approved = await graphql<{ approveVendor: { userErrors: unknown[] } }>(
    `mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }`,
    { input: { id: vendorId } },
    adminToken,
  );
  noUserErrors('approveVendor', approved.approveVendor);
  return { vendorId, token: await sign({ sub: signed.signUp.user!.id, role: 'VENDOR', vid: vendorId }) };
}

/** A published product with one variant and `units` in stock; returns its product and variant ids. */
async function stockedProduct(graphql: GraphQL, seller: Store, name: string, amount: number, locationCode: string, units: number) {
  const created = await graphql<{ createProduct: { product: { id: string; variants: { id: string }[] }; userErrors: unknown[] } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { code field } } }`,
    { input: { name, variants: [{ sku: `BENCH-${randomUUID().slice(0, 12)}`, price: { amount, currency: 'EUR' } }] } },
    seller.token,
  );
  noUserErrors('createProduct', created.createProduct);
  const productId = created.createProduct.product.id;
  const active = await graphql<{ setProductStatus: { userErrors: unknown[] } }>(
    `mutation($id: ID!) { setProductStatus(input: { id: $id, status: ACTIVE }) { userErrors { code } } }`,
    { id: productId },
    seller.token,
  );
  noUserErrors('setProductStatus', active.setProductStatus);
  const variantId = created.createProduct.product.variants[0]!.id;
  const received = await graphql<{ receiveStock: { userErrors: unknown[] } }>(
    `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { userErrors { code field } } }`,
    { input: { variantId, locationCode, quantity: units, reason: 'checkout bench' } },
    seller.token,
  );
  noUserErrors('receiveStock', received.receiveStock);
  return { productId, variantId };
}

async function available(graphql: GraphQL, adminToken: string, product: { productId: string; variantId: string }): Promise<number> {
  const read = await graphql<{ product: { variants: { id: string; availability: { available: number } }[] } | null }>(
    `query($id: ID!) { product(id: $id) { variants { id availability { available } } } }`,
    { id: product.productId },
    adminToken,
  );
  const variant = read.product?.variants.find((candidate) => candidate.id === product.variantId);
  if (!variant) throw new Error(`variant ${product.variantId} not visible`);
  return variant.availability.available;
}

/** Runs `task` over `items`, at most `limit` at once (setting up carts is not what is measured, and must not be a storm). */
async function inBatches<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

const TERMINAL = new Set(['CONFIRMED', 'CANCELLED']);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One round: two fresh products (one per store) with exactly `n` units each, `n` shoppers each
 * with a cart holding one of each, all placing their order at once with `tok_success`, each then
 * watching its order (gently) until it ends or the deadline passes.
 */
/** Each watched process's CPU seconds so far, by name (from its internal /metrics). */
async function cpuOf(watch: Record<string, string>): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(Object.entries(watch).map(async ([name, url]) => [name, await cpuSeconds(url)] as const)));
}

async function round_(
  graphql: GraphQL,
  options: CheckoutBenchOptions,
  sign: Awaited<ReturnType<typeof tokenSigner>>['sign'],
  adminToken: string,
  stores: [Store, Store],
  locationCode: string,
  n: number,
  watch: Record<string, string>,
): Promise<RoundFigures> {
  const run = randomUUID().slice(0, 6);
  const products = [
    await stockedProduct(graphql, stores[0], `Bench lamp ${run}`, 4_500, locationCode, n),
    await stockedProduct(graphql, stores[1], `Bench mug ${run}`, 1_250, locationCode, n),
  ];
  const before = await Promise.all(products.map((product) => available(graphql, adminToken, product)));

  log(`   ${n} shoppers fill their carts…`);
  const filled = await inBatches(await shopperAccounts(n), 20, async (customerId) => {
    const token = await sign({ sub: customerId, role: 'CUSTOMER' });
    let cartId = '';
    try {
      for (const product of products) {
        const added = await graphql<{ addCartLine: { cart: { id: string } | null; userErrors: unknown[] } }>(
          `mutation($input: AddCartLineInput!) { addCartLine(input: $input) { cart { id } userErrors { code field } } }`,
          { input: { variantId: product.variantId, quantity: 1 } },
          token,
        );
        noUserErrors('addCartLine', added.addCartLine);
        cartId = added.addCartLine.cart!.id;
      }
    } catch (error) {
      // Counted as not placed: a shared machine's database may refuse connections for a moment.
      log(`   a cart could not be filled: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
    return { token, cartId };
  });
  const shoppers = filled.filter((shopper): shopper is { token: string; cartId: string } => shopper !== null);

  // Waiting never sets the figures (they come from the server's timestamps); it only has to see
  // the end. One admin count of this round's settled orders per poll, then each order read once:
  // N shoppers polling their own order would be the load (200 reads/s at N = 50, 250 ms apart).
  const deadline = Date.now() + options.deadlineSeconds * 1000;
  log(`   ${shoppers.length} shoppers place their orders at once…`);
  const cpuBefore = await cpuOf(watch);
  const hostBefore = hostCpuSeconds();
  const firstSent = Date.now();
  // The previous round's orders were placed before this round's products were even made.
  const roundFrom = new Date(firstSent - 20).toISOString();
  const placeLatencies: number[] = [];
  const placed = await Promise.all(
    shoppers.map(async (shopper) => {
      const t0 = performance.now();
      try {
        const answer = await graphql<{ placeOrder: { order: { id: string } | null; userErrors: unknown[] } }>(
          `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } userErrors { code field message } } }`,
          { input: { cartId: shopper.cartId, shippingAddress: ADDRESS, paymentMethodToken: 'tok_success', idempotencyKey: randomUUID() } },
          shopper.token,
          PLACE_ORDER_RETRY,
        );
        placeLatencies.push(performance.now() - t0);
        if (!answer.placeOrder.order) log(`   placeOrder refused: ${JSON.stringify(answer.placeOrder.userErrors)}`);
        return answer.placeOrder.order ? { token: shopper.token, orderId: answer.placeOrder.order.id } : null;
      } catch (error) {
        log(`   placeOrder failed: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }
    }),
  );
  const placedOrders = placed.filter((order): order is { token: string; orderId: string } => order !== null);
  const settledCount = async () => {
    const counts = await Promise.all(
      ['CONFIRMED', 'CANCELLED'].map((status) =>
        graphql<{ orders: { totalCount: number } }>(
          `query($filter: OrderFilter) { orders(filter: $filter, first: 1) { totalCount } }`,
          { filter: { vendorId: stores[0].vendorId, placedFrom: roundFrom, status } },
          adminToken,
        ),
      ),
    );
    return counts.reduce((sum, count) => sum + count.orders.totalCount, 0);
  };
  for (;;) {
    const settled = await settledCount().catch(() => -1);
    if (settled >= placedOrders.length || Date.now() > deadline) break;
    await sleep(options.pollMs);
  }
  const readOrder = async ({ token, orderId }: { token: string; orderId: string }): Promise<OrderRead> => {
    const read = await graphql<{ order: OrderRead | null }>(`query($id: ID!) { order(id: $id) { status placedAt confirmedAt statusHistory { to at } } }`, { id: orderId }, token);
    return read.order ?? { status: 'UNKNOWN', placedAt: '', confirmedAt: null, statusHistory: [] };
  };
  const outcomes = await inBatches(placedOrders, 10, readOrder);
  // The count is a hint; each order's own status decides. Any still open is read again until the deadline.
  for (;;) {
    const open = outcomes.flatMap((order, index) => (TERMINAL.has(order.status) ? [] : [index]));
    if (open.length === 0 || Date.now() > deadline) break;
    await sleep(options.pollMs);
    const again = await inBatches(open, 10, (index) => readOrder(placedOrders[index]!));
    open.forEach((index, i) => (outcomes[index] = again[i]!));
  }

  const cpuAfter = await cpuOf(watch);
  const hostAfter = hostCpuSeconds();
  const perOrder = (seconds: number) => round((seconds * 1000) / Math.max(placedOrders.length, 1));
  const cpuMsPerOrder = Object.fromEntries(Object.keys(watch).map((name) => [name, perOrder(cpuAfter[name]! - cpuBefore[name]!)]));
  cpuMsPerOrder.all = round(Object.values(cpuMsPerOrder).reduce((sum, ms) => sum + ms, 0));
  for (const name of Object.keys(hostAfter)) cpuMsPerOrder[name] = perOrder(hostAfter[name]! - (hostBefore[name] ?? 0));
  const orders = outcomes;
  const confirmed = orders.filter((order) => order.confirmedAt !== null && order.status === 'CONFIRMED');
  const cancelled = orders.filter((order) => order.status === 'CANCELLED').length;
  const latencies = sortedOf(confirmed.map((order) => Date.parse(order.confirmedAt!) - Date.parse(order.placedAt)));
  const lastConfirmed = Math.max(...confirmed.map((order) => Date.parse(order.confirmedAt!)));
  const wallMs = confirmed.length > 0 ? lastConfirmed - firstSent : 0;

  const hops: Record<string, number[]> = {};
  for (const order of confirmed) {
    const history = [...order.statusHistory].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (let i = 1; i < history.length; i += 1) {
      const key = `${history[i - 1]!.to}→${history[i]!.to}`;
      (hops[key] ??= []).push(Date.parse(history[i]!.at) - Date.parse(history[i - 1]!.at));
    }
  }
  const hopsMs = Object.fromEntries(Object.entries(hops).map(([key, values]) => [key, { p50: percentile(sortedOf(values), 50), p95: percentile(sortedOf(values), 95) }]));

  const after = await Promise.all(products.map((product) => available(graphql, adminToken, product)));
  // Each confirmed order holds one unit of each product.
  const stock = products.map((_, i) => ({ before: before[i]!, after: after[i]!, confirmedUnits: confirmed.length }));
  const oversold = stock.some((s) => s.after < 0 || s.before - s.after !== s.confirmedUnits);
  const placeSorted = sortedOf(placeLatencies);
  return {
    shoppers: n,
    notPlaced: n - orders.length,
    placed: orders.length,
    confirmed: confirmed.length,
    cancelled,
    nonTerminal: orders.length - confirmed.length - cancelled,
    ordersPerSecond: wallMs > 0 ? round((confirmed.length / wallMs) * 1000) : 0,
    wallMs,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: round(latencies.at(-1) ?? 0) },
    placeOrderMs: { p50: percentile(placeSorted, 50), p99: percentile(placeSorted, 99) },
    hopsMs,
    stock,
    oversold,
    cpuMsPerOrder,
  };
}

function table(rounds: RoundFigures[], hotSku: HotSkuFigures): string {
  const header = ['shoppers', 'not placed', 'confirmed', 'cancelled', 'non-terminal', 'orders/s', 'p50 ms', 'p95 ms', 'p99 ms', 'oversold'];
  const rows = rounds.map((r) => [r.shoppers, r.notPlaced, r.confirmed, r.cancelled, r.nonTerminal, r.ordersPerSecond, r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.p99, r.oversold ? 'YES' : 'no'].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  return [
    'placeOrder → CONFIRMED (server timestamps), every shopper one order of two stores’ products, tok_success:',
    line(header),
    ...rows.map(line),
    '',
    `hot SKU, ${hotSku.concurrency} callers: ${hotSku.batched.reservationsPerSecond} reservations/s batched (p99 ${hotSku.batched.p99Ms} ms, consistent: ${hotSku.batched.consistent}), ` +
      `${hotSku.statement.reservationsPerSecond} single statement (p99 ${hotSku.statement.p99Ms} ms, consistent: ${hotSku.statement.consistent})`,
  ].join('\n');
}

/**
 * Boots the stack as separate processes (production mode), then for each N in `shoppers`: N
 * shoppers check out at once, and the round reports orders/s, placeOrder → CONFIRMED
 * percentiles from the server's timestamps, saga hop times, oversell and orders left open. Then
 * reservations/s on one hot SKU (inventory's benchHotSku). One table, figures to bench-results/.
 */
export async function runCheckoutBenchmark(options: CheckoutBenchOptions): Promise<CheckoutBenchResults> {
  const startedAt = new Date();
  const signer = await tokenSigner();
  if (!options.keepDatabases) {
    log('Dropping the bench databases: the run starts from the demo data alone (--keep-databases keeps what earlier runs left)…');
    for (const name of DATABASE_OWNERS) await dropDatabase(scriptsConfig.POSTGRES_URL, `${BENCH_DATABASE_PREFIX}${name}`);
  }
  const rounds = await withBenchStack(
    { gatewayPort: GATEWAY_PORT, subgraphBasePort: SUBGRAPH_BASE_PORT, processEnv: { users: { JWT_PRIVATE_JWK: signer.privateJwk } } },
    async (stack) => {
      const graphql = gatewayClient(stack.gatewayUrl);
      const adminToken = await signer.sign({ sub: randomUUID(), role: 'ADMIN' });
      const run = randomUUID().slice(0, 8);
      log('Two stores and a warehouse…');
      const stores: [Store, Store] = [await store(graphql, signer.sign, adminToken, 'Lumen', run), await store(graphql, signer.sign, adminToken, 'Kettle', run)];
      const locationCode = `BENCH-${run}`.toUpperCase();
      const location = await graphql<{ createLocation: { userErrors: unknown[] } }>(
        `mutation($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`,
        { input: { code: locationCode, name: 'Checkout bench' } },
        adminToken,
      );
      noUserErrors('createLocation', location.createLocation);
      // The first burst pays for JIT compilation, pools opening their connections and each
      // connection preparing its statements: figures are of a warm platform, as a shop is on its
      // busiest day.
      log(`Warm-up: ${options.warmUpRounds} rounds of ${options.warmUpShoppers} shoppers, not reported…`);
      // CPU readings come from each process's /metrics, on its internal listener.
      const watch: Record<string, string> = {
        gateway: stack.gatewayInternalUrl,
        ...Object.fromEntries(Object.entries(stack.subgraphs).map(([name, urls]) => [name, urls.internalUrl])),
        ...Object.fromEntries(Object.entries(stack.workers).map(([name, urls]) => [name, urls.internalUrl])),
      };
      for (let i = 0; i < options.warmUpRounds; i += 1) await round_(graphql, options, signer.sign, adminToken, stores, locationCode, options.warmUpShoppers, watch);
      // The warm-up's rows (and, with --keep-databases, earlier runs'): a PostgreSQL without
      // autovacuum (this machine's) would otherwise plan on no statistics and scan past dead rows.
      log('VACUUM (ANALYZE) of the bench databases, as autovacuum would…');
      for (const name of DATABASE_OWNERS) await vacuumAnalyze(scriptsConfig.POSTGRES_URL, `${BENCH_DATABASE_PREFIX}${name}`);
      const figures: RoundFigures[] = [];
      for (const n of options.shoppers) {
        log(`N = ${n}:`);
        const figuresOfRound = await round_(graphql, options, signer.sign, adminToken, stores, locationCode, n, watch);
        log(
          `   ${figuresOfRound.confirmed}/${n} confirmed, ${figuresOfRound.ordersPerSecond} orders/s, p50 ${figuresOfRound.latencyMs.p50} ms, p95 ${figuresOfRound.latencyMs.p95} ms, ` +
            `p99 ${figuresOfRound.latencyMs.p99} ms; placeOrder p50 ${figuresOfRound.placeOrderMs.p50} ms; hops ${JSON.stringify(figuresOfRound.hopsMs)}; ` +
            `CPU ms per order ${JSON.stringify(figuresOfRound.cpuMsPerOrder)}`,
        );
        figures.push(figuresOfRound);
      }
      return figures;
    },
  );
  log(`Hot SKU: ${options.hotSkuConcurrency} callers for ${options.hotSkuSeconds} s per path…`);
  const hotSku = await benchHotSku({ concurrency: options.hotSkuConcurrency, durationMs: options.hotSkuSeconds * 1000, print: true });

  console.log(`\n${table(rounds, hotSku)}\n`);
  const atTarget = rounds.find((r) => r.shoppers === TARGETS.shoppers);
  if (atTarget) {
    const met = atTarget.ordersPerSecond >= TARGETS.ordersPerSecond && atTarget.latencyMs.p95 < TARGETS.p95Ms;
    console.log(`target at N = ${TARGETS.shoppers} (≥ ${TARGETS.ordersPerSecond} orders/s, p95 < ${TARGETS.p95Ms} ms): ${met ? 'met' : 'missed'}`);
  }
  const bestReservations = Math.max(hotSku.batched.reservationsPerSecond, hotSku.statement.reservationsPerSecond);
  console.log(`target on one SKU (≥ ${TARGETS.reservationsPerSecond} reservations/s): ${bestReservations >= TARGETS.reservationsPerSecond ? 'met' : 'missed'}`);
  const problems = rounds.filter((r) => r.oversold || r.nonTerminal > 0 || r.notPlaced > 0);
  if (problems.length > 0) {
    console.log(`NOT CLEAN: ${problems.map((r) => `N = ${r.shoppers}: ${r.oversold ? 'oversold, ' : ''}${r.nonTerminal} non-terminal, ${r.notPlaced} not placed`).join('; ')}`);
    process.exitCode = 1;
  }

  const results: CheckoutBenchResults = { startedAt: startedAt.toISOString(), machine: machine(), options, rounds, hotSku };
  writeBenchResults('checkout', startedAt, results);
  return results;
}

export function parseCheckoutBenchArgs(args: string[]): CheckoutBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      shoppers: { type: 'string', default: '10,50,200' },
      poll: { type: 'string', default: '500' },
      deadline: { type: 'string', default: '60' },
      'hot-sku-concurrency': { type: 'string', default: '50' },
      'hot-sku-duration': { type: 'string', default: '5' },
      'warm-up': { type: 'string', default: '50' },
      'warm-up-rounds': { type: 'string', default: '20' },
      'keep-databases': { type: 'boolean', default: false },
    },
    strict: true,
  });
  return {
    shoppers: values.shoppers.split(',').map((value) => positive('shoppers', value.trim())),
    pollMs: positive('poll', values.poll),
    deadlineSeconds: positive('deadline', values.deadline),
    hotSkuConcurrency: positive('hot-sku-concurrency', values['hot-sku-concurrency']),
    hotSkuSeconds: positive('hot-sku-duration', values['hot-sku-duration']),
    warmUpShoppers: positive('warm-up', values['warm-up']),
    warmUpRounds: positive('warm-up-rounds', values['warm-up-rounds']),
    keepDatabases: values['keep-databases'],
  };
}
