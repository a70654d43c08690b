import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix } from '../../platform/redis/redis.ts';
import { ROOT } from '../lib/databases.ts';
import { scriptsConfig } from '../lib/scripts-config.ts';
import { startStack, type RunningStack, type StackOptions } from '../lib/stack.ts';

/** Where the benchmarks' services write their logs (and the composed supergraph). */
export const BENCH_LOG_DIR = path.join(ROOT, '.logs', 'bench');
/** The benches' databases: `<prefix><owner>`, kept between runs (the checkout bench drops them first). */
export const BENCH_DATABASE_PREFIX = 'shop_bench_';

/**
 * Budgets no bench run can spend: every gateway a bench starts does all the rate limiter's work
 * (a Redis round trip per operation) but never refuses, so throughput figures are not 429s.
 */
export const UNSPENDABLE_BUDGETS: Record<string, string> = {
  BUDGET_ANONYMOUS: '1000000000/1s',
  BUDGET_CUSTOMER: '1000000000/1s',
  BUDGET_PARTNER: '1000000000/1s',
  BUDGET_ADMIN: '1000000000/1s',
};

/** A progress line, stamped with the time. */
export const benchLog = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

export const round = (value: number) => Math.round(value * 100) / 100;

/** The machine a run's figures come from. */
export const machine = () => ({ cpus: cpus().length, node: process.version });

/**
 * Boots the stack as separate processes (production mode, demo data in `shop_bench_*`, the
 * gateway on `gatewayPort`, subgraphs from `subgraphBasePort`), runs `bench` on it and stops it
 * whatever happens, Ctrl-C included. `stopExtras` stops what the bench started beside the stack.
 * `processEnv` goes over one process' environment by name (the checkout bench's signing key for users).
 */
const BENCH_REDIS_PREFIX = 'shop_bench:';

/**
 * Each run starts from empty Redis state under the benches' prefix: sign-up rate limits, sessions
 * and caches of an earlier run would otherwise carry over (ten runs in an hour hit the sign-up limit).
 */
async function clearBenchRedis(): Promise<void> {
  const redis = new Redis(scriptsConfig.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await deleteKeysWithPrefix(redis, BENCH_REDIS_PREFIX);
  } finally {
    redis.disconnect();
  }
}

export async function withBenchStack<T>(
  ports: { gatewayPort: number; subgraphBasePort: number } & Pick<StackOptions, 'processEnv'>,
  bench: (stack: RunningStack) => Promise<T>,
  stopExtras: () => Promise<void> = async () => {},
): Promise<T> {
  let stack: RunningStack | null = null;
  const cleanUp = async () => {
    await stopExtras();
    const running = stack;
    stack = null;
    if (running) {
      benchLog('Stopping the stack…');
      await running.stop();
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    benchLog(`${signal}: stopping…`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    benchLog(
      `Starting the stack (gateway :${ports.gatewayPort}, subgraphs :${ports.subgraphBasePort}…, databases shop_bench_*); ` +
        `logs in ${path.relative(process.cwd(), BENCH_LOG_DIR)}/`,
    );
    await clearBenchRedis();
    const running = await startStack({
      databasePrefix: BENCH_DATABASE_PREFIX,
      redisKeyPrefix: BENCH_REDIS_PREFIX,
      ...ports,
      nodeEnv: 'production',
      logLevel: 'warn',
      logDir: BENCH_LOG_DIR,
      seed: true,
      gatewayEnv: UNSPENDABLE_BUDGETS,
      report: benchLog,
    });
    stack = running;
    return await bench(running);
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Writes a run's figures to `bench-results/<name>-<start time>.json` and says where. */
export function writeBenchResults(name: string, startedAt: Date, results: unknown): void {
  const resultsDir = path.join(ROOT, 'bench-results');
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  benchLog(`Figures written to ${path.relative(process.cwd(), file)}`);
}

/** A flag's value as a positive integer, or an error naming the flag. */
export function positiveFlag(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return number;
}
