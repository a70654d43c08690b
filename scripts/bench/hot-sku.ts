import { randomUUID } from 'node:crypto';
import { databaseUrl } from '../../platform/config/load-config.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { createReservationBatcher } from '../../subgraphs/inventory/application/reservation-batcher.ts';
import { validateReservation, type ReservationRequest } from '../../subgraphs/inventory/domain/reservation.ts';
import { createInventoryPrisma, type InventoryPrisma } from '../../subgraphs/inventory/infra/prisma.ts';
import { createReservationRepository, type ReserveOutcome } from '../../subgraphs/inventory/infra/reservation.repository.ts';
import { migrateAll } from '../lib/databases.ts';
import { scriptsConfig } from '../lib/scripts-config.ts';
import { benchLog as log, machine, positiveFlag, round } from './bench-stack.ts';

export interface HotSkuOptions {
  /** A migrated inventory database; by default `<DATABASE_PREFIX>bench_hot_sku_inventory`, created and migrated. */
  databaseUrl?: string;
  /** Callers reserving at once, each one reservation after the other. */
  concurrency?: number;
  /** How long each path is loaded. */
  durationMs?: number;
  /** Connections of the single-statement path's pool (the batcher has its own two, as in app.ts). */
  poolSize?: number;
  maxBatch?: number;
  tickMs?: number;
  /** Batches in flight at once (the batcher's default is app.ts's). */
  batchConcurrency?: number;
  /** Print as it goes (the CLI); the function returns the figures either way. */
  print?: boolean;
}

export interface PathFigures {
  reservationsPerSecond: number;
  reserved: number;
  refused: number;
  p50Ms: number;
  p99Ms: number;
  /** `reserved` counted on the stock row at the end equals the reservations that succeeded (no lost or phantom hold). */
  consistent: boolean;
}

export interface HotSkuFigures {
  machine: ReturnType<typeof machine>;
  concurrency: number;
  durationMs: number;
  statement: PathFigures;
  batched: PathFigures;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0));

/** One SKU in one warehouse with more units than any run can take. */
async function hotSku(db: InventoryPrisma): Promise<string> {
  const variantId = randomUUID();
  const locationId = randomUUID();
  await db.location.create({ data: { id: locationId, code: `HOT-${randomUUID().slice(0, 8).toUpperCase()}`, name: 'Hot SKU bench' } });
  await db.stockItem.create({ data: { id: randomUUID(), variantId, locationId, onHand: 10_000_000 } });
  return variantId;
}

async function load(
  concurrency: number,
  durationMs: number,
  reserve: (request: ReservationRequest) => Promise<ReserveOutcome>,
  variantId: string,
): Promise<{ reserved: number; refused: number; latencies: number[]; elapsedMs: number }> {
  const deadline = Date.now() + durationMs;
  const latencies: number[] = [];
  let reserved = 0;
  let refused = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const valid = validateReservation(`bench-${randomUUID()}`, [{ variantId, quantity: 1 }], 600);
        if (!valid.ok) throw new Error('bench request invalid');
        const t0 = performance.now();
        const outcome = await reserve(valid.value);
        latencies.push(performance.now() - t0);
        if (outcome.kind === 'RESERVED') reserved += 1;
        else refused += 1;
      }
    }),
  );
  return { reserved, refused, latencies, elapsedMs: Date.now() - started };
}

async function figures(db: InventoryPrisma, variantId: string, run: Awaited<ReturnType<typeof load>>): Promise<PathFigures> {
  const row = await db.stockItem.findFirst({ where: { variantId } });
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return {
    reservationsPerSecond: Math.round((run.reserved / run.elapsedMs) * 1000),
    reserved: run.reserved,
    refused: run.refused,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    consistent: row?.reserved === run.reserved,
  };
}

/**
 * Reservations per second on ONE SKU, durable commits (the server's synchronous_commit as
 * configured), `concurrency` callers each reserving one unit after the other for `durationMs`:
 * first through the one-statement path (one transaction, so one WAL flush under the row lock, per
 * reservation), then through the batcher (one transaction per batch). Each path gets its own SKU.
 */
export async function benchHotSku(options: HotSkuOptions = {}): Promise<HotSkuFigures> {
  const concurrency = options.concurrency ?? 50;
  const durationMs = options.durationMs ?? 5_000;
  const print = options.print ? log : () => {};
  let url = options.databaseUrl;
  if (!url) {
    const prefix = `${scriptsConfig.DATABASE_PREFIX}bench_hot_sku_`;
    await migrateAll(scriptsConfig.POSTGRES_URL, prefix, ['inventory']);
    url = databaseUrl(scriptsConfig.POSTGRES_URL, `${prefix}inventory`);
  }
  const logger = createLogger({ service: 'bench-hot-sku', level: 'silent', pretty: false });
  const settings = { lowStockThreshold: 5 };
  const db = createInventoryPrisma(url, options.poolSize ?? 20);
  const batchDb = createInventoryPrisma(url, 2);
  const batcher = createReservationBatcher({ reservations: createReservationRepository(batchDb, settings), logger, maxBatch: options.maxBatch, tickMs: options.tickMs, concurrency: options.batchConcurrency });
  try {
    const single = createReservationRepository(db, settings);
    const statementSku = await hotSku(db);
    print(`single statement: ${concurrency} callers for ${durationMs} ms on one SKU…`);
    const statement = await figures(db, statementSku, await load(concurrency, durationMs, (request) => single.reserveStatement(request, new Date(Date.now() + 600_000), 'bench'), statementSku));
    const batchedSku = await hotSku(db);
    print(`batched: ${concurrency} callers for ${durationMs} ms on one SKU…`);
    const batched = await figures(
      db,
      batchedSku,
      await load(concurrency, durationMs, (request) => batcher.reserve({ request, expiresAt: new Date(Date.now() + 600_000), actor: 'bench', correlationId: 'bench' }), batchedSku),
    );
    const result = { machine: machine(), concurrency, durationMs, statement, batched };
    print(`hot SKU, ${concurrency} concurrent callers, durable commits:`);
    print(`  single statement  ${String(statement.reservationsPerSecond).padStart(6)} reservations/s  p50 ${statement.p50Ms} ms  p99 ${statement.p99Ms} ms  consistent: ${statement.consistent}`);
    print(`  batched           ${String(batched.reservationsPerSecond).padStart(6)} reservations/s  p50 ${batched.p50Ms} ms  p99 ${batched.p99Ms} ms  consistent: ${batched.consistent}`);
    return result;
  } finally {
    await batcher.stop();
    await batchDb.$disconnect();
    await db.$disconnect();
  }
}

// `tsx scripts/bench/hot-sku.ts [--concurrency 50] [--duration 5]` (seconds).
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => {
    const index = args.indexOf(`--${name}`);
    const value = index >= 0 ? args[index + 1] : undefined;
    return value === undefined ? fallback : positiveFlag(name, value);
  };
  await benchHotSku({ concurrency: flag('concurrency', 50), durationMs: flag('duration', 5) * 1000, print: true });
}
