import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGatewaySigner } from '../../platform/graphql/gateway-signature.ts';
import { SUBGRAPH_NAMES } from '../../subgraphs/registry.ts';
import { stopChild } from '../lib/service-process.ts';
import { internalOrigin } from '../lib/stack.ts';
import { BENCH_LOG_DIR, benchLog as log, machine, positiveFlag as positive, round, withBenchStack, writeBenchResults } from './bench-stack.ts';
import { SUBGRAPH_CLIENTS } from './gateway-variant.ts';
import { measure, referenceAnswer, table, warmUp, type LoadFigures, type LoadTarget } from './load.ts';
import { alternatingRounds, describeLoad as describe, startExtraGateway, type Contender, type ExtraGateway, type Rounds } from './side-by-side.ts';

const GATEWAY_PORT = 4100;
const SUBGRAPH_BASE_PORT = 4101;
/** Extra gateways for --compare, beside the stack's. */
const COMPARE_BASE_PORT = 4110;
/** The --cpu-prof gateway. */
const PROFILE_PORT = 4120;
/** The other checkout's gateway for --against. */
const AGAINST_PORT = 4121;

const LISTING_FIELDS = `
  id name slug
  priceRange { min { amount currency formatted } max { amount currency formatted } }`;

/** The storefront's product listing: 20 products with their vendor's name (from the users subgraph). */
export const LISTING_QUERY = `query ProductListing {
  products(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${LISTING_FIELDS}
    vendor { name } } } }
}`;

/** The same listing asked of the catalog subgraph alone: no vendor, so no second subgraph. */
export const LISTING_QUERY_WITHOUT_VENDOR = `query ProductListing {
  products(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${LISTING_FIELDS} } } }
}`;

export interface CatalogBenchOptions {
  durationSeconds: number;
  connections: number;
  stressConnections: number;
  stressDurationSeconds: number;
  warmupRequests: number;
  /**
   * Also measure gateways that differ only in their subgraph HTTP client (stock, keep-alive,
   * undici; scripts/bench/gateway-variant.ts) and one with 2 cluster workers, in alternating rounds.
   */
  compare: boolean;
  /** Which --compare variants to run: subgraph client names and/or `2-workers`. */
  variants: string[];
  /** Also load a separate gateway run with `node --cpu-prof` and write its profile under .logs/bench/profiles/. */
  cpuProf: boolean;
  /**
   * Another checkout (with node_modules) whose gateway is measured against this one's over the
   * same subgraphs, in alternating rounds, so a change is compared under the same machine load.
   */
  against: string | null;
  /** Rounds of each gateway for --compare and --against. */
  rounds: number;
}

export interface SideBySide extends Rounds {
  against: string;
  /** This checkout's median throughput over the other's. */
  rpsRatio: number;
}

export interface CatalogBenchResults {
  startedAt: string;
  machine: { cpus: number; node: string };
  options: CatalogBenchOptions;
  gateway: LoadFigures;
  subgraph: LoadFigures;
  ratio: { rps: number; p50: number; p99: number };
  stress: LoadFigures;
  /** --compare: every round of every variant, and the medians. */
  compare: Rounds | null;
  /** The --cpu-prof run's figures (profiling slows it down) and where its profile went. */
  profile: { figures: LoadFigures; directory: string } | null;
  /** --against: every round of both gateways, and the medians. */
  sideBySide: SideBySide | null;
}

/**
 * Boots the stack as separate processes (production mode, demo data), then measures the
 * product listing through the gateway and straight from the catalog subgraph, the ratio
 * between them, and the gateway under 1,000 connections. Stops the stack whatever happens.
 */
export async function runCatalogBenchmark(options: CatalogBenchOptions): Promise<CatalogBenchResults> {
  const startedAt = new Date();
  const logDir = BENCH_LOG_DIR;
  const extras: ChildProcess[] = [];
  const stopExtras = async () => {
    for (const child of extras) await stopChild(child);
    extras.length = 0;
  };
  return withBenchStack({ gatewayPort: GATEWAY_PORT, subgraphBasePort: SUBGRAPH_BASE_PORT }, async (stack) => {
    const gatewayTarget: LoadTarget = { label: 'gateway listing', url: stack.gatewayUrl, body: JSON.stringify({ query: LISTING_QUERY }) };
    const subgraphTarget: LoadTarget = {
      label: 'catalog subgraph listing',
      url: stack.subgraphs.catalog.url,
      body: JSON.stringify({ query: LISTING_QUERY_WITHOUT_VENDOR }),
      // The subgraph answers only the gateway: the bench signs as the gateway does.
      signer: createGatewaySigner([stack.gatewaySigningSecrets]),
    };

    log(`1. Warming up (${options.warmupRequests} requests each)…`);
    const gatewayAnswer = await referenceAnswer(gatewayTarget);
    checkListing(gatewayAnswer, true);
    const subgraphAnswer = await referenceAnswer(subgraphTarget);
    checkListing(subgraphAnswer, false);
    await warmUp(gatewayTarget, options.warmupRequests);
    await warmUp(subgraphTarget, options.warmupRequests);

    // CPU readings come from each process' /metrics, on its internal listener.
    const subgraphUrls = stack.subgraphs;
    const subgraphs = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, subgraphUrls[name].internalUrl]));
    const watch = { gateway: stack.gatewayInternalUrl, ...subgraphs };
    const load = { connections: options.connections, durationSeconds: options.durationSeconds, watch };
    log(`2. Gateway: ${load.connections} connections for ${load.durationSeconds} s…`);
    const gateway = await measure(gatewayTarget, { ...load, expectBody: gatewayAnswer });
    log(`   ${describe(gateway)}`);

    log(`3. Catalog subgraph directly (no vendor): ${load.connections} connections for ${load.durationSeconds} s…`);
    const subgraph = await measure(subgraphTarget, { ...load, expectBody: subgraphAnswer });
    log(`   ${describe(subgraph)}`);

    const ratio = {
      rps: round(gateway.rps / subgraph.rps),
      p50: round(gateway.latencyMs.p50 / Math.max(subgraph.latencyMs.p50, 1)),
      p99: round(gateway.latencyMs.p99 / Math.max(subgraph.latencyMs.p99, 1)),
    };
    log(`4. Gateway / subgraph: ${ratio.rps}× the throughput, ${ratio.p50}× the p50 latency, ${ratio.p99}× the p99 latency`);

    log(`5. Gateway under ${options.stressConnections} connections for ${options.stressDurationSeconds} s…`);
    const stress = await measure(
      { ...gatewayTarget, label: `gateway listing ×${options.stressConnections}` },
      {
        connections: options.stressConnections,
        durationSeconds: options.stressDurationSeconds,
        expectBody: gatewayAnswer,
        timeoutSeconds: 30,
        watch,
      },
    );
    log(`   ${describe(stress)}`);

    let compare: Rounds | null = null;
    if (options.compare) {
      // With several workers /metrics shows only one of them, so their CPU is not attributed.
      const variants: (ExtraGateway & { label: string; gatewayCpu: boolean })[] = [
        ...Object.keys(SUBGRAPH_CLIENTS).map((client) => ({
          name: `gateway-${client}`,
          label: `gateway, ${client} client`,
          entry: 'scripts/bench/gateway-variant.ts',
          args: [client],
          gatewayCpu: true,
        })),
        { name: 'gateway-2-workers', label: 'gateway, 2 workers', env: { GATEWAY_WORKERS: '2' }, gatewayCpu: false },
      ].filter((variant) => options.variants.includes(variant.name.slice('gateway-'.length)));
      log(`6. ${variants.length} gateway variants over the same subgraphs, ${options.rounds} alternating rounds of ${load.durationSeconds} s each…`);
      const contenders: Contender[] = [];
      for (const [index, variant] of variants.entries()) {
        const port = COMPARE_BASE_PORT + index;
        const child = await startExtraGateway(stack, port, logDir, variant);
        extras.push(child);
        contenders.push({
          target: { ...gatewayTarget, label: variant.label, url: `http://127.0.0.1:${port}/graphql` },
          watch: variant.gatewayCpu ? { gateway: internalOrigin(port), ...subgraphs } : subgraphs,
        });
        log(`   ${variant.label} on :${port}`);
      }
      compare = await alternatingRounds(contenders, options, gatewayAnswer);
      for (const child of extras.splice(0)) await stopChild(child);
    }

    let profile: CatalogBenchResults['profile'] = null;
    if (options.cpuProf) {
      const port = PROFILE_PORT;
      const directory = path.join(logDir, 'profiles');
      mkdirSync(directory, { recursive: true });
      log(`7. Profiled gateway on :${port} (node --cpu-prof): ${load.connections} connections for ${load.durationSeconds} s…`);
      const child = await startExtraGateway(stack, port, logDir, {
        name: 'gateway-profiled',
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${directory}`],
      });
      extras.push(child);
      const target = { ...gatewayTarget, label: 'gateway, --cpu-prof', url: `http://127.0.0.1:${port}/graphql` };
      await warmUp(target, options.warmupRequests);
      const figures = await measure(target, {
        ...load,
        watch: { gateway: internalOrigin(port), ...subgraphs },
        expectBody: gatewayAnswer,
      });
      log(`   ${describe(figures)}`);
      // The profile is written when the process exits, so stop it before pointing at it.
      await stopChild(child);
      extras.splice(extras.indexOf(child), 1);
      log(`   profile written to ${path.relative(process.cwd(), directory)}/ (open in Chrome DevTools or speedscope)`);
      profile = { figures, directory };
    }

    let sideBySide: SideBySide | null = null;
    if (options.against) {
      const against = path.resolve(options.against);
      log(`8. This gateway against ${against}'s, ${options.rounds} alternating rounds of ${load.durationSeconds} s each…`);
      const child = await startExtraGateway(stack, AGAINST_PORT, logDir, { name: 'gateway-against', checkout: against });
      extras.push(child);
      const mine: Contender = { target: { ...gatewayTarget, label: 'this checkout' }, watch: { gateway: watch.gateway, ...subgraphs } };
      const other: Contender = {
        target: { ...gatewayTarget, label: path.basename(against), url: `http://127.0.0.1:${AGAINST_PORT}/graphql` },
        watch: { gateway: internalOrigin(AGAINST_PORT), ...subgraphs },
      };
      const rounds = await alternatingRounds([mine, other], options, gatewayAnswer);
      await stopChild(child);
      extras.splice(extras.indexOf(child), 1);
      const rpsRatio = round(rounds.median[mine.target.label]!.rps / rounds.median[other.target.label]!.rps);
      sideBySide = { against, ...rounds, rpsRatio };
      log(`   this checkout / ${other.target.label}: throughput ×${rpsRatio}`);
    }

    const results: CatalogBenchResults = {
      startedAt: startedAt.toISOString(),
      machine: machine(),
      options,
      gateway,
      subgraph,
      ratio,
      stress,
      compare,
      profile,
      sideBySide,
    };
    console.log(`\n${table([gateway, subgraph, stress])}\n`);
    console.log(`gateway/subgraph: throughput ×${ratio.rps}, p50 ×${ratio.p50}, p99 ×${ratio.p99}`);
    writeBenchResults('catalog', startedAt, results);
    return results;
  }, stopExtras);
}

/** Refuses to measure a listing that is empty or lacks what the query asks: that would measure nothing. */
export function checkListing(answer: string, withVendor: boolean): void {
  const body = JSON.parse(answer) as { data?: { products?: { edges: { node: { vendor?: { name?: string } } }[] } } };
  const edges = body.data?.products?.edges ?? [];
  if (edges.length !== 20) throw new Error(`The listing returned ${edges.length} products, not 20: is the demo data seeded?`);
  if (withVendor && !edges.every((edge) => typeof edge.node.vendor?.name === 'string')) {
    throw new Error('The gateway listing is missing vendor names.');
  }
}

const COMPARE_VARIANTS = [...Object.keys(SUBGRAPH_CLIENTS), '2-workers'];

function compareVariants(list: string): string[] {
  const names = list.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !COMPARE_VARIANTS.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--variants takes a comma-separated list of ${COMPARE_VARIANTS.join(', ')}; got "${list}"`);
  }
  return names;
}

export function parseCatalogBenchArgs(args: string[]): CatalogBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      'stress-connections': { type: 'string', default: '1000' },
      'stress-duration': { type: 'string', default: '20' },
      warmup: { type: 'string', default: '50' },
      compare: { type: 'boolean', default: false },
      variants: { type: 'string', default: COMPARE_VARIANTS.join(',') },
      'cpu-prof': { type: 'boolean', default: false },
      against: { type: 'string' },
      rounds: { type: 'string', default: '3' },
    },
    strict: true,
  });
  return {
    durationSeconds: positive('duration', values.duration),
    connections: positive('connections', values.connections),
    stressConnections: positive('stress-connections', values['stress-connections']),
    stressDurationSeconds: positive('stress-duration', values['stress-duration']),
    warmupRequests: positive('warmup', values.warmup),
    compare: values.compare,
    variants: compareVariants(values.variants),
    cpuProf: values['cpu-prof'],
    against: values.against ?? null,
    rounds: positive('rounds', values.rounds),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await runCatalogBenchmark(parseCatalogBenchArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
