import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SUBGRAPH_NAMES } from '../../subgraphs/registry.ts';
import { benchLog as log, machine, positiveFlag as positive, round, withBenchStack, writeBenchResults } from './bench-stack.ts';
import { checkListing, LISTING_QUERY } from './catalog.ts';
import { measure, referenceAnswer, table, warmUp, type LoadFigures, type LoadTarget } from './load.ts';

/** Beside the catalog bench's ports (41xx), so both can run on one machine. */
const GATEWAY_PORT = 4140;
const SUBGRAPH_BASE_PORT = 4141;

/** The fan-out: within the depth limit, a million products if it ran. */
export const FAN_OUT_QUERY = `query FanOut {
  products(first: 100) { edges { node { vendor { products(first: 100) { edges { node { vendor {
    products(first: 100) { edges { node { id } } } } } } } } } } }
}`;

/** What the targets say the bench must see: the refusal within 50 ms, the listing within 2× of idle. */
const TARGETS = { refusalP99Ms: 50, listingSlowdown: 2 };

export interface CostBenchOptions {
  /** Fan-out requests sent one after another, each timed. */
  sequential: number;
  /** Connections refusing fan-outs at once (autocannon). */
  connections: number;
  /** Seconds of each autocannon run. */
  durationSeconds: number;
  /** Connections loading the listing, idle and under fan-out. */
  listingConnections: number;
  /** Fan-out senders running in a loop while the listing is measured. */
  fanOutSenders: number;
  warmupRequests: number;
}

export interface Refusal {
  /** The refusal's status and `extensions` (code and cost), as the client gets them. */
  status: number;
  extensions: unknown;
}

export interface CostBenchResults {
  startedAt: string;
  machine: { cpus: number; node: string };
  options: CostBenchOptions;
  refusal: Refusal;
  /** One request at a time. */
  sequentialRefusalMs: { p50: number; p99: number; max: number };
  concurrentRefusal: LoadFigures;
  listingIdle: LoadFigures;
  listingUnderFanOut: LoadFigures;
  /** Fan-outs the senders sent while the listing was loaded, and how many were refused with the cost. */
  fanOutsDuringListing: { sent: number; refusedWithCost: number };
  /** The listing's latency under fan-out over its idle latency. */
  listingSlowdown: { p50: number; p99: number };
}

const describeRun = (f: LoadFigures) =>
  `${f.rps.toFixed(0)} req/s, p50 ${f.latencyMs.p50} ms, p99 ${f.latencyMs.p99} ms, ${f.errors} errors, ${f.non2xx} non-2xx, ${f.mismatches} mismatched`;

/**
 * Boots the stack as separate processes (production mode, demo data), then measures (a) how fast
 * the gateway refuses the fan-out, one at a time and under concurrent load, checking each
 * answer is the refusal with its cost; (b) the storefront listing's latency idle, then while
 * `fanOutSenders` fan-outs are sent in a loop, and the ratio. Stops the stack whatever happens.
 */
export async function runCostBenchmark(options: CostBenchOptions): Promise<CostBenchResults> {
  const startedAt = new Date();
  return withBenchStack({ gatewayPort: GATEWAY_PORT, subgraphBasePort: SUBGRAPH_BASE_PORT }, async (stack) => {
    // CPU readings come from each process' /metrics, on its internal listener.
    const subgraphs = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, stack.subgraphs[name].internalUrl]));
    const watch = { gateway: stack.gatewayInternalUrl, ...subgraphs };
    const fanOut: LoadTarget = { label: 'fan-out refused', url: stack.gatewayUrl, body: JSON.stringify({ query: FAN_OUT_QUERY }) };
    const listing: LoadTarget = { label: 'listing, idle', url: stack.gatewayUrl, body: JSON.stringify({ query: LISTING_QUERY }) };

    log('1. The fan-out is refused with its cost…');
    const refusalBody = await refusedAnswer(fanOut);
    const refusal = describeRefusal(refusalBody);
    log(`   HTTP ${refusal.status}, ${JSON.stringify(refusal.extensions)}`);

    log(`2. Refusal latency, ${options.sequential} requests one at a time…`);
    const sequentialRefusalMs = await timeSequentially(fanOut, options.sequential, refusalBody);
    log(`   p50 ${sequentialRefusalMs.p50} ms, p99 ${sequentialRefusalMs.p99} ms, max ${sequentialRefusalMs.max} ms`);

    log(`3. Refusal under load: ${options.connections} connections for ${options.durationSeconds} s…`);
    const concurrentRefusal = await measure(fanOut, { connections: options.connections, durationSeconds: options.durationSeconds, expectBody: refusalBody, watch });
    log(`   ${describeRun(concurrentRefusal)} (every answer is the 400 refusal: non-2xx = requests, 0 mismatched)`);

    log(`4. Warming up the listing (${options.warmupRequests} requests)…`);
    const listingAnswer = await referenceAnswer(listing);
    checkListing(listingAnswer, true);
    await warmUp(listing, options.warmupRequests);

    const load = { connections: options.listingConnections, durationSeconds: options.durationSeconds, expectBody: listingAnswer, watch };
    log(`5. Listing, idle: ${load.connections} connections for ${load.durationSeconds} s…`);
    const listingIdle = await measure(listing, load);
    log(`   ${describeRun(listingIdle)}`);

    log(`6. Listing while ${options.fanOutSenders} fan-outs are sent at once, in a loop: ${load.connections} connections for ${load.durationSeconds} s…`);
    const senders = sendInALoop(fanOut, options.fanOutSenders, refusalBody);
    let listingUnderFanOut: LoadFigures;
    try {
      await senders.firstRound;
      listingUnderFanOut = await measure({ ...listing, label: `listing, ${options.fanOutSenders} fan-outs looping` }, load);
    } finally {
      await senders.stop();
    }
    const fanOutsDuringListing = senders.counts();
    log(`   ${describeRun(listingUnderFanOut)}; ${fanOutsDuringListing.sent} fan-outs sent, ${fanOutsDuringListing.refusedWithCost} refused with their cost`);

    const listingSlowdown = {
      p50: round(listingUnderFanOut.latencyMs.p50 / Math.max(listingIdle.latencyMs.p50, 1)),
      p99: round(listingUnderFanOut.latencyMs.p99 / Math.max(listingIdle.latencyMs.p99, 1)),
    };
    const results: CostBenchResults = {
      startedAt: startedAt.toISOString(),
      machine: machine(),
      options,
      refusal,
      sequentialRefusalMs,
      concurrentRefusal,
      listingIdle,
      listingUnderFanOut,
      fanOutsDuringListing,
      listingSlowdown,
    };
    console.log(`\n${table([concurrentRefusal, listingIdle, listingUnderFanOut])}\n`);
    const refusalP99 = Math.max(sequentialRefusalMs.p99, concurrentRefusal.latencyMs.p99);
    console.log(
      `fan-out refused (${JSON.stringify(refusal.extensions)}): one at a time p50 ${sequentialRefusalMs.p50} ms / p99 ${sequentialRefusalMs.p99} ms, ` +
        `${options.connections} at once p50 ${concurrentRefusal.latencyMs.p50} ms / p99 ${concurrentRefusal.latencyMs.p99} ms ` +
        `(target: under ${TARGETS.refusalP99Ms} ms: ${refusalP99 < TARGETS.refusalP99Ms ? 'met' : 'missed'})`,
    );
    console.log(
      `listing with ${options.fanOutSenders} fan-outs looping / idle: p50 ×${listingSlowdown.p50}, p99 ×${listingSlowdown.p99} ` +
        `(target: within ${TARGETS.listingSlowdown}×: ${listingSlowdown.p50 <= TARGETS.listingSlowdown ? 'met' : 'missed'} at p50)`,
    );
    writeBenchResults('cost', startedAt, results);
    return results;
  });
}

/** The refusal's body; fails unless it is a 400 COST_ESTIMATED_TOO_EXPENSIVE carrying the estimate and the limit. */
async function refusedAnswer(target: LoadTarget): Promise<string> {
  const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: target.body });
  const text = await response.text();
  const refusal = describeRefusal(text, response.status);
  const extensions = refusal.extensions as { code?: unknown; cost?: { estimated?: unknown; max?: unknown } } | undefined;
  const refused = refusal.status === 400 && extensions?.code === 'COST_ESTIMATED_TOO_EXPENSIVE';
  if (!refused || typeof extensions.cost?.estimated !== 'number' || typeof extensions.cost.max !== 'number') {
    throw new Error(`The fan-out was not refused for its cost (HTTP ${response.status}): ${text.slice(0, 300)}`);
  }
  return text;
}

function describeRefusal(body: string, status = 400): Refusal {
  const parsed = JSON.parse(body) as { errors?: { extensions?: unknown }[] };
  return { status, extensions: parsed.errors?.[0]?.extensions };
}

/** Sends `target` `count` times, one after another, each answer checked against `expectBody`; latency percentiles in ms. */
async function timeSequentially(target: LoadTarget, count: number, expectBody: string): Promise<{ p50: number; p99: number; max: number }> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: target.body });
    const text = await response.text();
    latencies.push(performance.now() - started);
    if (text !== expectBody) throw new Error(`Answer ${i + 1} was not the refusal: ${text.slice(0, 300)}`);
  }
  latencies.sort((a, b) => a - b);
  const at = (fraction: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: round(latencies.at(-1) ?? 0) };
}

/** `senders` loops each sending `target` again as soon as the last answer came, until stopped. */
function sendInALoop(target: LoadTarget, senders: number, expectBody: string) {
  let running = true;
  let sent = 0;
  let refusedWithCost = 0;
  let markFirstRound!: () => void;
  const firstRound = new Promise<void>((resolve) => (markFirstRound = resolve));
  const loop = async () => {
    while (running) {
      const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: target.body });
      const text = await response.text();
      sent += 1;
      if (text === expectBody) refusedWithCost += 1;
      if (sent >= senders) markFirstRound();
    }
  };
  const loops = Array.from({ length: senders }, loop);
  return {
    firstRound,
    counts: () => ({ sent, refusedWithCost }),
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export function parseCostBenchArgs(args: string[]): CostBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      sequential: { type: 'string', default: '500' },
      connections: { type: 'string', default: '10' },
      duration: { type: 'string', default: '10' },
      'listing-connections': { type: 'string', default: '10' },
      'fan-out-senders': { type: 'string', default: '10' },
      warmup: { type: 'string', default: '50' },
    },
    strict: true,
  });
  return {
    sequential: positive('sequential', values.sequential),
    connections: positive('connections', values.connections),
    durationSeconds: positive('duration', values.duration),
    listingConnections: positive('listing-connections', values['listing-connections']),
    fanOutSenders: positive('fan-out-senders', values['fan-out-senders']),
    warmupRequests: positive('warmup', values.warmup),
  };
}
