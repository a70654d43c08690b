import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SUBGRAPH_NAMES } from '../../subgraphs/registry.ts';
import { stopChild } from '../lib/service-process.ts';
import { internalOrigin } from '../lib/stack.ts';
import { BENCH_LOG_DIR, benchLog as log, machine, positiveFlag as positive, round, withBenchStack, writeBenchResults } from './bench-stack.ts';
import { checkListing, LISTING_QUERY } from './catalog.ts';
import { referenceAnswer, type LoadTarget } from './load.ts';
import { alternatingRounds, startExtraGateway, type Contender, type Rounds, type RoundOptions } from './side-by-side.ts';

/** Beside the catalog (41xx) and cost (414x) benches' ports. */
const GATEWAY_PORT = 4160;
const SUBGRAPH_BASE_PORT = 4161;
const LIMITS_ON_PORT = 4170;
const LIMITS_OFF_PORT = 4171;

/** What the issue asks of the limits: together they cost under 10% of throughput. */
const TARGET_LIMITS_RPS_COST = 0.1;

export type EdgeBenchOptions = RoundOptions;

export interface EdgeBenchResults {
  startedAt: string;
  machine: { cpus: number; node: string };
  options: EdgeBenchOptions;
  /** The listing as a persisted GET (hash in the URL) vs the same as a POST with the whole query, on one gateway. */
  persistedGetVsPost: Rounds & { rpsRatio: number; p50Ratio: number };
  /** The same gateway with the rate limiter and cost check, and without, over the same subgraphs. */
  limits: Rounds & { rpsRatio: number; rpsCost: number; addedP50Ms: number; addedP99Ms: number };
}

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** The listing by hash over GET, as a CDN or a mobile client sends it; csrf prevention wants the preflight header. */
export function persistedGet(gatewayUrl: string, query: string, operationName: string): LoadTarget {
  const url = new URL(gatewayUrl);
  url.searchParams.set('operationName', operationName);
  url.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } }));
  return { label: 'listing, persisted GET', url: url.toString(), method: 'GET', headers: { 'apollo-require-preflight': 'true' } };
}

/**
 * Boots the stack as separate processes (production mode, demo data), then in alternating rounds
 * (a) the catalog listing as a persisted GET against the same as a plain POST, on one gateway;
 * (b) two gateways over the same subgraphs, one with the rate limiter and the cost check and
 * one without (scripts/bench/gateway-variant.ts `--without-limits`), and prints the ratios.
 */
export async function runEdgeBenchmark(options: EdgeBenchOptions): Promise<EdgeBenchResults> {
  const startedAt = new Date();
  const extras: ChildProcess[] = [];
  const stopExtras = async () => {
    for (const child of extras) await stopChild(child);
    extras.length = 0;
  };
  return withBenchStack(
    { gatewayPort: GATEWAY_PORT, subgraphBasePort: SUBGRAPH_BASE_PORT },
    async (stack) => {
      const subgraphs = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, stack.subgraphs[name].internalUrl]));
      const post: LoadTarget = { label: 'listing, POST', url: stack.gatewayUrl, body: JSON.stringify({ query: LISTING_QUERY }) };
      const get = persistedGet(stack.gatewayUrl, LISTING_QUERY, 'ProductListing');

      log('1. The listing answers the same as a POST and, once registered, as a persisted GET…');
      const answer = await referenceAnswer(post);
      checkListing(answer, true);
      await registerPersistedQuery(stack.gatewayUrl, LISTING_QUERY);
      const getAnswer = await referenceAnswer(get);
      if (getAnswer !== answer) throw new Error(`The persisted GET answered differently from the POST: ${getAnswer.slice(0, 300)}`);

      const watch = { gateway: stack.gatewayInternalUrl, ...subgraphs };
      log(`2. Persisted GET vs POST on one gateway, ${options.rounds} alternating rounds of ${options.durationSeconds} s…`);
      const getVsPost = await alternatingRounds([{ target: get, watch }, { target: post, watch }], options, answer);
      const getMedian = getVsPost.median[get.label]!;
      const postMedian = getVsPost.median[post.label]!;
      const persistedGetVsPost = { ...getVsPost, rpsRatio: round(getMedian.rps / postMedian.rps), p50Ratio: round(getMedian.p50 / Math.max(postMedian.p50, 1)) };
      log(`   persisted GET / POST: throughput ×${persistedGetVsPost.rpsRatio}, p50 ×${persistedGetVsPost.p50Ratio}`);

      log('3. Two more gateways over the same subgraphs: with the limits, and without…');
      const withLimits = await startExtraGateway(stack, LIMITS_ON_PORT, BENCH_LOG_DIR, {
        name: 'gateway-limits-on',
        entry: 'scripts/bench/gateway-variant.ts',
        args: ['undici'],
      });
      extras.push(withLimits);
      const withoutLimits = await startExtraGateway(stack, LIMITS_OFF_PORT, BENCH_LOG_DIR, {
        name: 'gateway-limits-off',
        entry: 'scripts/bench/gateway-variant.ts',
        args: ['undici', '--without-limits'],
      });
      extras.push(withoutLimits);
      const on: Contender = {
        target: { ...post, label: 'gateway with limits', url: `http://127.0.0.1:${LIMITS_ON_PORT}/graphql` },
        watch: { gateway: internalOrigin(LIMITS_ON_PORT), ...subgraphs },
      };
      const off: Contender = {
        target: { ...post, label: 'gateway without limits', url: `http://127.0.0.1:${LIMITS_OFF_PORT}/graphql` },
        watch: { gateway: internalOrigin(LIMITS_OFF_PORT), ...subgraphs },
      };
      log(`4. With vs without limits, ${options.rounds} alternating rounds of ${options.durationSeconds} s…`);
      const onOff = await alternatingRounds([on, off], options, answer);
      await stopExtras();
      const onMedian = onOff.median[on.target.label]!;
      const offMedian = onOff.median[off.target.label]!;
      const rpsRatio = round(onMedian.rps / offMedian.rps);
      const limits = {
        ...onOff,
        rpsRatio,
        rpsCost: round(1 - onMedian.rps / offMedian.rps),
        addedP50Ms: round(onMedian.p50 - offMedian.p50),
        addedP99Ms: round(onMedian.p99 - offMedian.p99),
      };

      const results: EdgeBenchResults = { startedAt: startedAt.toISOString(), machine: machine(), options, persistedGetVsPost, limits };
      console.log(
        `\npersisted GET / POST (listing, ${options.connections} connections): throughput ×${persistedGetVsPost.rpsRatio} ` +
          `(${getMedian.rps.toFixed(0)} vs ${postMedian.rps.toFixed(0)} req/s), p50 ×${persistedGetVsPost.p50Ratio}`,
      );
      console.log(
        `with / without rate limiter + cost check: throughput ×${rpsRatio} (${onMedian.rps.toFixed(0)} vs ${offMedian.rps.toFixed(0)} req/s, ` +
          `${(limits.rpsCost * 100).toFixed(1)}% cost), added latency p50 ${limits.addedP50Ms} ms, p99 ${limits.addedP99Ms} ms ` +
          `(target: under ${TARGET_LIMITS_RPS_COST * 100}% of throughput: ${limits.rpsCost < TARGET_LIMITS_RPS_COST ? 'met' : 'missed'})`,
      );
      writeBenchResults('edge', startedAt, results);
      return results;
    },
    stopExtras,
  );
}

/** APQ's first step: the hash and the whole query, so later requests may send the hash alone. */
async function registerPersistedQuery(gatewayUrl: string, query: string): Promise<void> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } } }),
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) throw new Error(`Registering the persisted query failed (HTTP ${response.status}): ${text.slice(0, 300)}`);
}

export function parseEdgeBenchArgs(args: string[]): EdgeBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '3' },
    },
    strict: true,
  });
  return {
    durationSeconds: positive('duration', values.duration),
    connections: positive('connections', values.connections),
    warmupRequests: positive('warmup', values.warmup),
    rounds: positive('rounds', values.rounds),
  };
}
