import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { JWKS_PATH } from '../../platform/auth/access-token.ts';
import { processEnv } from '../../platform/config/load-config.ts';
import { SUBGRAPH_NAMES, TOKEN_ISSUER } from '../../subgraphs/registry.ts';
import { ROOT } from '../lib/databases.ts';
import { stopChild, waitUntilReady } from '../lib/service-process.ts';
import type { RunningStack } from '../lib/stack.ts';
import { benchLog as log, round, UNSPENDABLE_BUDGETS } from './bench-stack.ts';
import { measure, warmUp, type LoadFigures, type LoadTarget } from './load.ts';

/** How long and how hard each contender is loaded, and how often in turn. */
export interface RoundOptions {
  connections: number;
  durationSeconds: number;
  warmupRequests: number;
  rounds: number;
}

export interface Rounds {
  /** One list per round, in the order the gateways ran in that round. */
  rounds: LoadFigures[][];
  /** By gateway label. */
  median: Record<string, MedianFigures>;
}

export interface MedianFigures {
  rps: number;
  p50: number;
  p99: number;
  /** Null where the gateway's CPU is not attributed (several workers). */
  gatewayCpuMsPerRequest: number | null;
}

/** One run in a line: throughput, latency, failures and CPU per request. */
export const describeLoad = (f: LoadFigures) => {
  const cpu = Object.entries(f.cpuMsPerRequest).map(([name, ms]) => `${name} ${ms}`);
  return (
    `${f.rps.toFixed(0)} req/s, p50 ${f.latencyMs.p50} ms, p99 ${f.latencyMs.p99} ms, ` +
    `${f.errors} errors (${f.timeouts} timeouts), ${f.non2xx} non-2xx, ${f.mismatches} mismatched` +
    (cpu.length ? `; CPU ms/request: ${cpu.join(', ')}` : '')
  );
};

export interface Contender {
  target: LoadTarget;
  /** Processes whose CPU to attribute to its runs. */
  watch: Record<string, string>;
}

/**
 * Loads each gateway in turn, round after round, rotating who goes first so a drift in machine
 * load does not favour one; prints every run and the medians. Before the rounds, each gets its
 * warm-up requests and a few discarded seconds of load, because the JIT needs more than the
 * sequential warm-up to settle.
 */
export async function alternatingRounds(contenders: Contender[], options: RoundOptions, expectBody: string): Promise<Rounds> {
  const load = { connections: options.connections, durationSeconds: options.durationSeconds, expectBody };
  for (const { target } of contenders) {
    await warmUp(target, options.warmupRequests);
    await measure(target, { ...load, durationSeconds: 3 });
  }
  const width = Math.max(...contenders.map((c) => c.target.label.length));
  const rounds: LoadFigures[][] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    const figures: LoadFigures[] = [];
    for (const { target, watch } of order) {
      figures.push(await measure(target, { ...load, watch }));
      log(`   round ${round + 1} ${target.label.padEnd(width)} ${describeLoad(figures.at(-1)!)}`);
    }
    rounds.push(figures);
  }
  const median: Record<string, MedianFigures> = {};
  for (const { target } of contenders) {
    const runs = rounds.flat().filter((figures) => figures.label === target.label);
    median[target.label] = {
      rps: medianOf(runs.map((r) => r.rps)),
      p50: medianOf(runs.map((r) => r.latencyMs.p50)),
      p99: medianOf(runs.map((r) => r.latencyMs.p99)),
      gatewayCpuMsPerRequest: runs.every((r) => r.cpuMsPerRequest.gateway !== undefined)
        ? medianOf(runs.map((r) => r.cpuMsPerRequest.gateway ?? 0))
        : null,
    };
    const m = median[target.label]!;
    const cpu = m.gatewayCpuMsPerRequest === null ? '' : `, gateway CPU ${m.gatewayCpuMsPerRequest} ms/request`;
    log(`   median  ${target.label.padEnd(width)} ${m.rps.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms${cpu}`);
  }
  return { rounds, median };
}

export interface ExtraGateway {
  /** Names its log file. */
  name: string;
  /** Relative to the checkout; by default the production entry. */
  entry?: string;
  args?: string[];
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Whose gateway to run; by default this one. */
  checkout?: string;
}

/** Another gateway process over the stack's subgraphs, with different settings, code or checkout. */
export async function startExtraGateway(stack: RunningStack, port: number, logDir: string, gateway: ExtraGateway): Promise<ChildProcess> {
  const { name, entry = 'gateway/main.ts', args = [], nodeArgs = [], env = {}, checkout = ROOT } = gateway;
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(checkout, entry), ...args], {
    cwd: checkout,
    env: {
      PATH: processEnv().PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      SUPERGRAPH_PATH: path.join(logDir, 'supergraph.graphql'),
      JWKS_URL: `${stack.subgraphs[TOKEN_ISSUER].internalUrl}${JWKS_PATH}`,
      GATEWAY_SIGNING_SECRETS: stack.gatewaySigningSecrets,
      ...Object.fromEntries(SUBGRAPH_NAMES.map((subgraph) => [`SUBGRAPH_URL_${subgraph.toUpperCase()}`, stack.subgraphs[subgraph].url])),
      // Another checkout's gateway may predate switching Apollo's telemetry off by default.
      APOLLO_TELEMETRY_DISABLED: '1',
      ...UNSPENDABLE_BUDGETS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  try {
    await waitUntilReady(name, child, `http://127.0.0.1:${port}/health/ready`, { describe: () => `see ${name}.log` });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return child;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return round(sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2);
}
