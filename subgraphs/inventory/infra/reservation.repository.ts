import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import type { UserError } from '../../../platform/errors/user-error.ts';
import type { OutboxEntry } from '../../../platform/messaging/outbox.ts';
import { allocate, totalAvailable, type LocationStock } from '../domain/allocation.ts';
import { reservationCommand, type ReservationCommand, type ReservationStatus } from '../domain/reservation.process.ts';
import { linesOf, type Reservation, type ReservationRequest, type Shortage } from '../domain/reservation.ts';
import { gatheredPerTransaction } from '../../../platform/messaging/gathered.ts';
import { writeOutboxEntries } from '../../../platform/messaging/outbox.ts';
import { LOCKING_TRANSACTION, Prisma, type InventoryDatabase, type InventoryTransaction } from './prisma.ts';
import { applyLowStockAlerts } from './stock-alerts.ts';

/** What became of one reservation request. */
export type ReserveOutcome =
  | { kind: 'RESERVED'; reservation: Reservation }
  /** Some line could not be held in full: nothing was held. */
  | { kind: 'INSUFFICIENT'; shortages: Shortage[] }
  /** The reference already has a reservation (held, committed, released, or a release's tombstone); nothing changed. */
  | { kind: 'EXISTS'; reservation: Reservation };

/** One reservation request of a batch. */
export interface ReserveItem {
  request: ReservationRequest;
  expiresAt: Date;
  actor: string;
  /** The request id that caused it: the correlation id of the messages it raises. */
  correlationId: string;
  /** The messages that answer its outcome (the saga's reply), written in the batch's transaction. */
  replies?: (outcome: ReserveOutcome) => OutboxEntry[];
}

export type TransitionFailure = { kind: 'NOT_FOUND' } | { kind: 'ILLEGAL'; errors: UserError[] } | { kind: 'NOT_EXPIRED' };

/** What a command did: `from` is where the reservation was (null: a release left a tombstone), `changed` whether anything moved. */
export interface CommandOutcome {
  reservation: Reservation;
  from: ReservationStatus | null;
  changed: boolean;
}

export interface ReservationSettings {
  /** The low-stock threshold of a variant that has none of its own. */
  lowStockThreshold: number;
}

export interface ReservationRepository {
  /**
   * Holds a batch of reservations in ONE transaction, each all or nothing, in the order given
   * (a later one sees the earlier ones' holds): the stock rows of every variant in the batch locked
   * FOR UPDATE in (variant, location) order, every new reference inserted (an existing one is
   * EXISTS and holds nothing), each line split by domain/allocation.ts over what is still available,
   * then the raised `reserved` counts in one conditional UPDATE (the CHECK constraints behind it),
   * the allocations, the movements, the low-stock alerts and every item's replies. References must
   * be distinct within a batch (the batcher sees to it).
   */
  reserveBatch(items: readonly ReserveItem[]): Promise<ReserveOutcome[]>;
  /**
   * The one-statement reservation (row lock held for one statement, one commit per reservation):
   * the baseline the batch is measured against (scripts/bench/hot-sku.ts). It raises no low-stock
   * alert and writes no reply, so nothing but the benchmark and its spec call it.
   */
  reserveStatement(request: ReservationRequest, expiresAt: Date, actor: string): Promise<ReserveOutcome>;
  /**
   * Applies a command (domain/reservation.process.ts) to the reference's reservation, with its row
   * locked, in the caller's transaction `tx` (a saga handler's, so its reply and inbox row commit
   * with it) or in one of its own: commit (units leave on hand; the commits asked on one
   * transaction at once are one statement), release (an ACTIVE hold goes back
   * to sale, a COMMITTED one back on hand: RETURNED), expire (the sweeper: only an ACTIVE hold that
   * expired by `expiredBy`). Already done: returned unchanged. A release of a reference with no
   * reservation inserts a RELEASED tombstone, so a reserve arriving later holds nothing.
   */
  apply(
    reference: string,
    command: ReservationCommand,
    actor: string,
    options?: { tx?: InventoryTransaction; expiredBy?: Date; correlationId?: string },
  ): Promise<Result<CommandOutcome, TransitionFailure>>;
  byReference(reference: string): Promise<Reservation | null>;
  /** References of ACTIVE reservations that expired by `now`, oldest first. */
  expiredReferences(now: Date, limit: number): Promise<string[]>;
}

type ReservationRow = { id: string; reference: string; status: ReservationStatus; expiresAt: Date };
type AllocationRow = { variantId: string; locationId: string; quantity: number };
type StockRow = { id: string; variantId: string; locationId: string; code: string; onHand: number; reserved: number };

async function load(tx: InventoryTransaction, row: ReservationRow): Promise<Reservation> {
  const allocations = await tx.$queryRaw<AllocationRow[]>`
    SELECT variant_id::text AS "variantId", location_id::text AS "locationId", quantity
    FROM reservation_allocations WHERE reservation_id = ${row.id}::uuid ORDER BY variant_id, location_id`;
  return { ...row, allocations, lines: linesOf(allocations) };
}

/** Several reservations by reference, with their allocations, in two queries. */
async function loadMany(tx: InventoryTransaction, references: readonly string[]): Promise<Map<string, Reservation>> {
  if (references.length === 0) return new Map();
  const rows = await tx.$queryRaw<ReservationRow[]>`
    SELECT id::text, reference, status::text AS status, expires_at AS "expiresAt" FROM reservations WHERE reference = ANY(${[...references]}::text[])`;
  const allocations = await tx.$queryRaw<(AllocationRow & { reservationId: string })[]>`
    SELECT reservation_id::text AS "reservationId", variant_id::text AS "variantId", location_id::text AS "locationId", quantity
    FROM reservation_allocations WHERE reservation_id = ANY(${rows.map((row) => row.id)}::uuid[]) ORDER BY variant_id, location_id`;
  return new Map(
    rows.map((row) => {
      const own = allocations.filter((a) => a.reservationId === row.id).map(({ variantId, locationId, quantity }) => ({ variantId, locationId, quantity }));
      return [row.reference, { ...row, allocations: own, lines: linesOf(own) }];
    }),
  );
}

const sortedIds = (ids: Iterable<string>) => [...new Set(ids)].sort();

/** A reservation (alias `r`) with its allocations, in one row: what a command locks and reads. */
type LockedReservationRow = ReservationRow & { allocations: AllocationRow[] };
const LOCKED_RESERVATION_COLUMNS = Prisma.sql`r.id::text, r.reference, r.status::text AS status, r.expires_at AS "expiresAt",
  COALESCE((SELECT json_agg(json_build_object('variantId', a.variant_id, 'locationId', a.location_id, 'quantity', a.quantity)
            ORDER BY a.variant_id, a.location_id)
            FROM reservation_allocations a WHERE a.reservation_id = r.id), '[]'::json) AS allocations`;

export function createReservationRepository(db: InventoryDatabase, settings: ReservationSettings): ReservationRepository {
  async function byReference(reference: string): Promise<Reservation | null> {
    const [row] = await db.$queryRaw<ReservationRow[]>`
      SELECT id::text, reference, status::text AS status, expires_at AS "expiresAt" FROM reservations WHERE reference = ${reference}`;
    return row ? load(db, row) : null;
  }

  /** A release or an expiry, one reservation at a time (commits go through commitGathered). */
  async function applyIn(tx: InventoryTransaction, reference: string, command: Exclude<ReservationCommand, 'commit'>, actor: string, options: { expiredBy?: Date; correlationId?: string }) {
    if (command === 'release') {
      // The tombstone: a release that finds no reservation leaves a RELEASED one with no units, so a
      // reserve for the reference that arrives later (reordered, or retried) holds nothing. A
      // reserve in flight for it makes this insert wait for its commit, then find its row.
      const tombstone = await tx.$queryRaw<ReservationRow[]>`
        INSERT INTO reservations (id, reference, status, expires_at, created_at, updated_at)
        VALUES (${randomUUID()}::uuid, ${reference}, 'RELEASED', now(), now(), now())
        ON CONFLICT (reference) DO NOTHING
        RETURNING id::text, reference, status::text AS status, expires_at AS "expiresAt"`;
      if (tombstone[0]) return ok<CommandOutcome>({ reservation: { ...tombstone[0], allocations: [], lines: [] }, from: null, changed: true });
    }
    // The reservation locked and read with its allocations in one round trip.
    const [locked] = await tx.$queryRaw<LockedReservationRow[]>`
      SELECT ${LOCKED_RESERVATION_COLUMNS} FROM reservations r WHERE r.reference = ${reference}
      FOR UPDATE OF r`;
    if (!locked) return fail({ kind: 'NOT_FOUND' as const });
    const { allocations, ...row } = locked;
    const decided = reservationCommand(command, row.status);
    if (!decided.ok) return fail({ kind: 'ILLEGAL' as const, errors: decided.errors });
    const current: Reservation = { ...row, allocations, lines: linesOf(allocations) };
    const to = decided.value;
    if (to === null) return ok<CommandOutcome>({ reservation: current, from: row.status, changed: false });
    if (options.expiredBy && row.expiresAt > options.expiredBy) return fail({ kind: 'NOT_EXPIRED' as const });
    const locations = allocations.map((part) => part.locationId);
    const variants = allocations.map((part) => part.variantId);
    const quantities = allocations.map((part) => part.quantity);
    // What each move does to a stock row: released units leave the hold, returned ones come back on
    // hand. Movements are signed likewise: released negative, returned positive.
    const returned = to === 'RETURNED';
    const onHandSign = returned ? 1 : 0;
    const reservedSign = returned ? 0 : -1;
    const sign = returned ? 1 : -1;
    const reason = `${options.expiredBy ? 'expired ' : ''}reservation ${reference}`;
    // The status, the stock rows (locked in (variant, location) order, as reserve locks them) and
    // the movements in one statement.
    await tx.$executeRaw`
      WITH moved AS (
        UPDATE reservations SET status = ${to}::"ReservationStatus", updated_at = now() WHERE id = ${row.id}::uuid
      ),
      parts AS (
        SELECT * FROM unnest(${variants}::uuid[], ${locations}::uuid[], ${quantities}::int[]) AS u(v, l, q)
      ),
      stock AS (
        UPDATE stock_items s
        SET on_hand = s.on_hand + t.q * ${onHandSign}::int, reserved = s.reserved + t.q * ${reservedSign}::int, updated_at = now()
        FROM (SELECT * FROM parts ORDER BY v, l) t
        WHERE s.variant_id = t.v AND s.location_id = t.l
      )
      INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, reason, actor, reservation_id, at)
      SELECT gen_random_uuid(), v, l, ${to}::"StockMovementKind", q * ${sign}::int, ${reason}, ${actor}, ${row.id}::uuid, now()
      FROM parts`;
    await applyLowStockAlerts(tx, new Map(sortedIds(variants).map((v) => [v, options.correlationId ?? actor])), settings.lowStockThreshold);
    return ok<CommandOutcome>({ reservation: { ...current, status: to }, from: row.status, changed: true });
  }

  // The commits an inbox batch's handlers ask on one transaction at once, as one: the reservations
  // locked in id order, then every stock row they draw on in (variant, location) order, as every
  // locking statement of this service takes them, so batches never wait on each other in a cycle.
  const commitGathered = gatheredPerTransaction(async (tx, asks: readonly { reference: string; actor: string }[]) => {
    const locked = await tx.$queryRaw<LockedReservationRow[]>`
      SELECT ${LOCKED_RESERVATION_COLUMNS} FROM reservations r WHERE r.reference = ANY(${[...new Set(asks.map((ask) => ask.reference))]}::text[])
      ORDER BY r.id
      FOR UPDATE OF r`;
    const byReference = new Map(locked.map(({ allocations, ...row }) => [row.reference, { ...row, allocations, lines: linesOf(allocations) } satisfies Reservation]));
    const moving = new Map<string, { reservation: Reservation; actor: string }>();
    const outcomes = asks.map(({ reference, actor }): Result<CommandOutcome, TransitionFailure> => {
      const current = byReference.get(reference);
      if (!current) return fail({ kind: 'NOT_FOUND' });
      // A second ask for one reservation (a command repeated under a new id) finds it committed by the first.
      if (moving.has(reference)) return ok({ reservation: { ...current, status: 'COMMITTED' }, from: 'COMMITTED', changed: false });
      const decided = reservationCommand('commit', current.status);
      if (!decided.ok) return fail({ kind: 'ILLEGAL', errors: decided.errors });
      if (decided.value === null) return ok({ reservation: current, from: current.status, changed: false });
      moving.set(reference, { reservation: current, actor });
      return ok({ reservation: { ...current, status: decided.value }, from: current.status, changed: true });
    });
    if (moving.size === 0) return outcomes;
    const parts = [...moving.values()].flatMap(({ reservation, actor }) =>
      reservation.allocations.map((part) => ({ ...part, reservationId: reservation.id, reason: `reservation ${reservation.reference}`, actor })),
    );
    const col = <K extends keyof (typeof parts)[number]>(key: K) => parts.map((part) => part[key]);
    // Committed units leave on hand and the hold alike (availability stays, so no alert can move);
    // their movements are negative.
    await tx.$executeRaw`
      WITH moved AS (
        UPDATE reservations SET status = 'COMMITTED', updated_at = now() WHERE id = ANY(${[...moving.values()].map(({ reservation }) => reservation.id)}::uuid[])
      ),
      parts AS (
        SELECT * FROM unnest(${col('reservationId')}::uuid[], ${col('variantId')}::uuid[], ${col('locationId')}::uuid[], ${col('quantity')}::int[],
                             ${col('reason')}::text[], ${col('actor')}::text[]) AS u(r, v, l, q, reason, actor)
      ),
      locked AS (
        SELECT s.id, t.q FROM stock_items s
        JOIN (SELECT v, l, sum(q)::int AS q FROM parts GROUP BY v, l) t ON s.variant_id = t.v AND s.location_id = t.l
        ORDER BY s.variant_id, s.location_id
        FOR UPDATE OF s
      ),
      stock AS (
        UPDATE stock_items s SET on_hand = s.on_hand - k.q, reserved = s.reserved - k.q, updated_at = now()
        FROM locked k WHERE s.id = k.id
      )
      INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, reason, actor, reservation_id, at)
      SELECT gen_random_uuid(), v, l, 'COMMITTED', -q, reason, actor, r, now()
      FROM parts`;
    return outcomes;
  });

  return {
    byReference,

    async reserveBatch(items) {
      if (items.length === 0) return [];
      return db.$transaction(async (tx) => {
        // Every stock row of every variant in the batch, locked in (variant, location) order: the
        // order every locking statement of this service uses, so batches and single statements
        // never wait on each other in a cycle. Postgres returns the values as of the lock.
        const variantIds = sortedIds(items.flatMap((item) => item.request.lines.map((line) => line.variantId)));
        const rows = await tx.$queryRaw<StockRow[]>`
          SELECT s.id::text, s.variant_id::text AS "variantId", s.location_id::text AS "locationId", l.code, s.on_hand AS "onHand", s.reserved
          FROM stock_items s JOIN locations l ON l.id = s.location_id
          WHERE s.variant_id = ANY(${variantIds}::uuid[])
          ORDER BY s.variant_id, s.location_id
          FOR UPDATE OF s`;
        // Every new reference gets its row now; an existing one (a retry, or a release's
        // tombstone) inserts nothing and holds nothing.
        const ids = items.map(() => randomUUID());
        const inserted = await tx.$queryRaw<{ reference: string }[]>`
          INSERT INTO reservations (id, reference, status, expires_at, created_at, updated_at)
          SELECT id, reference, 'ACTIVE', expires_at, now(), now()
          FROM unnest(${ids}::uuid[], ${items.map((item) => item.request.reference)}::text[], ${items.map((item) => item.expiresAt.toISOString())}::timestamptz[]) AS t(id, reference, expires_at)
          ON CONFLICT (reference) DO NOTHING
          RETURNING reference`;
        const isNew = new Set(inserted.map((row) => row.reference));
        // In arrival order, each new reservation is split over what the earlier ones left: the
        // rows are locked, so these numbers are the truth until this transaction ends.
        const stockOf = new Map<string, (LocationStock & { id: string })[]>();
        for (const row of rows) {
          const list = stockOf.get(row.variantId) ?? [];
          list.push({ id: row.id, locationId: row.locationId, locationCode: row.code, onHand: row.onHand, reserved: row.reserved });
          stockOf.set(row.variantId, list);
        }
        const outcomes: (ReserveOutcome | null)[] = [];
        const refused: string[] = [];
        const takes = new Map<string, number>();
        const allocationRows: { reservationId: string; variantId: string; locationId: string; quantity: number; actor: string; reference: string }[] = [];
        const touched = new Map<string, string>();
        items.forEach((item, index) => {
          const id = ids[index] ?? '';
          if (!isNew.has(item.request.reference)) {
            outcomes.push(null);
            return;
          }
          const shortages: Shortage[] = [];
          const planned: { stock: LocationStock & { id: string }; variantId: string; quantity: number }[] = [];
          for (const line of item.request.lines) {
            const stocks = stockOf.get(line.variantId) ?? [];
            const split = allocate(stocks, line.quantity);
            if (!split) {
              shortages.push({ variantId: line.variantId, requested: line.quantity, available: totalAvailable(stocks) });
              continue;
            }
            for (const part of split) {
              const stock = stocks.find((candidate) => candidate.locationId === part.locationId);
              if (stock) planned.push({ stock, variantId: line.variantId, quantity: part.quantity });
            }
          }
          if (shortages.length > 0) {
            refused.push(id);
            outcomes.push({ kind: 'INSUFFICIENT', shortages });
            return;
          }
          const allocations: AllocationRow[] = [];
          for (const { stock, variantId, quantity } of planned) {
            stock.reserved += quantity;
            takes.set(stock.id, (takes.get(stock.id) ?? 0) + quantity);
            allocations.push({ variantId, locationId: stock.locationId, quantity });
            allocationRows.push({ reservationId: id, variantId, locationId: stock.locationId, quantity, actor: item.actor, reference: item.request.reference });
            touched.set(variantId, item.correlationId);
          }
          allocations.sort((a, b) => (a.variantId === b.variantId ? (a.locationId < b.locationId ? -1 : 1) : a.variantId < b.variantId ? -1 : 1));
          outcomes.push({
            kind: 'RESERVED',
            reservation: { id, reference: item.request.reference, status: 'ACTIVE', expiresAt: item.expiresAt, allocations, lines: linesOf(allocations) },
          });
        });
        const stockIds = [...takes.keys()].sort();
        const amounts = stockIds.map((stockId) => takes.get(stockId) ?? 0);
        const col = <K extends keyof (typeof allocationRows)[number]>(key: K) => allocationRows.map((row) => row[key]);
        // The writes in one statement (one round trip while the rows are locked): refused
        // reservations deleted, `reserved` raised (still conditional, though the rows are locked:
        // should the plan ever be wrong the row is skipped and the count below fails the whole
        // batch; the CHECK constraints would refuse an over-reserved row anyway), the allocations
        // and the RESERVED movements.
        const [written] = await tx.$queryRaw<{ updated: number }[]>`
          WITH refused AS (
            DELETE FROM reservations WHERE id = ANY(${refused}::uuid[])
          ),
          upd AS (
            UPDATE stock_items s SET reserved = s.reserved + t.take, updated_at = now()
            FROM unnest(${stockIds}::uuid[], ${amounts}::int[]) AS t(id, take)
            WHERE s.id = t.id AND s.on_hand - s.reserved >= t.take
            RETURNING s.id
          ),
          plan AS (
            SELECT * FROM unnest(${col('reservationId')}::uuid[], ${col('variantId')}::uuid[], ${col('locationId')}::uuid[], ${col('quantity')}::int[],
                                 ${col('actor')}::text[], ${col('reference')}::text[]) AS t(r, v, l, q, actor, ref)
          ),
          allocations AS (
            INSERT INTO reservation_allocations (reservation_id, variant_id, location_id, quantity) SELECT r, v, l, q FROM plan
          ),
          movements AS (
            INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, reason, actor, reservation_id, at)
            SELECT gen_random_uuid(), v, l, 'RESERVED', q, 'reservation ' || ref, actor, r, now() FROM plan
          )
          SELECT (SELECT count(*) FROM upd)::int AS updated`;
        if ((written?.updated ?? 0) !== stockIds.length) throw new Error(`reservation batch planned ${stockIds.length} stock rows but updated ${written?.updated ?? 0}`);
        if (touched.size > 0) await applyLowStockAlerts(tx, new Map([...touched].sort(([a], [b]) => (a < b ? -1 : 1))), settings.lowStockThreshold);
        const existing = await loadMany(tx, items.filter((item) => !isNew.has(item.request.reference)).map((item) => item.request.reference));
        const final = outcomes.map((outcome, index): ReserveOutcome => {
          if (outcome) return outcome;
          const reference = items[index]?.request.reference ?? '';
          const reservation = existing.get(reference);
          // Inserted by nobody and found by nobody cannot happen: the unique index decided.
          if (!reservation) throw new Error(`reservation ${reference} was neither made nor found`);
          return { kind: 'EXISTS', reservation };
        });
        await writeOutboxEntries(tx, items.flatMap((item, index) => (item.replies && final[index] ? item.replies(final[index]) : [])));
        return final;
      }, LOCKING_TRANSACTION);
    },

    async reserveStatement(request, expiresAt, actor) {
      const id = randomUUID();
      const variantIds = request.lines.map((line) => line.variantId);
      const quantities = request.lines.map((line) => line.quantity);
      const reason = `reservation ${request.reference}`;
      // One statement, so the stock rows stay locked only while it runs (a hot SKU serialises on
      // that lock: every extra round trip under it would cut throughput). In order:
      //  locked    the lines' stock rows, locked FOR UPDATE in (variant, location) order, so two
      //            reservations never wait on each other in opposite orders. Postgres re-reads a row
      //            it had to wait for, so these are the committed values of the moment.
      //  alloc     each line split over its warehouses, fullest first (ties by code), from those values
      //  shortfall lines that cannot be held in full: then nothing below happens (all or nothing)
      //  res       the reservation, unless its reference exists (a concurrent twin waits here on the
      //            unique index until the first commits, then inserts nothing)
      //  upd       reserved += take, only with a new reservation, still conditional on availability
      //  the allocations and RESERVED movements, from what upd changed
      // The CHECK constraints refuse any row this could ever over-reserve.
      const [row] = await db.$queryRaw<{ id: string | null; shortages: Shortage[]; allocations: AllocationRow[] }[]>`
        WITH input AS (
          SELECT * FROM unnest(${variantIds}::uuid[], ${quantities}::int[]) AS t(variant_id, qty)
        ),
        locked AS (
          SELECT s.id, s.variant_id, s.location_id, l.code, s.on_hand - s.reserved AS avail
          FROM stock_items s JOIN locations l ON l.id = s.location_id
          WHERE s.variant_id IN (SELECT variant_id FROM input) AND s.on_hand > s.reserved
          ORDER BY s.variant_id, s.location_id
          FOR UPDATE OF s
        ),
        ranked AS (
          SELECT k.*, i.qty, sum(k.avail) OVER (PARTITION BY k.variant_id ORDER BY k.avail DESC, k.code, k.id) AS cum
          FROM locked k JOIN input i ON i.variant_id = k.variant_id
        ),
        alloc AS (
          SELECT id, variant_id, location_id, LEAST(avail, qty - (cum - avail))::int AS take FROM ranked WHERE cum - avail < qty
        ),
        shortfall AS (
          SELECT i.variant_id, i.qty, COALESCE(t.total, 0)::int AS available FROM input i
          LEFT JOIN (SELECT variant_id, sum(take) AS total FROM alloc GROUP BY variant_id) t ON t.variant_id = i.variant_id
          WHERE COALESCE(t.total, 0) < i.qty
        ),
        res AS (
          INSERT INTO reservations (id, reference, status, expires_at, created_at, updated_at)
          SELECT ${id}::uuid, ${request.reference}, 'ACTIVE', ${expiresAt}, now(), now()
          WHERE NOT EXISTS (SELECT 1 FROM shortfall)
          ON CONFLICT (reference) DO NOTHING
          RETURNING id
        ),
        upd AS (
          UPDATE stock_items s SET reserved = s.reserved + a.take, updated_at = now()
          FROM alloc a
          WHERE s.id = a.id AND EXISTS (SELECT 1 FROM res) AND s.on_hand - s.reserved >= a.take
          RETURNING s.variant_id, s.location_id, a.take
        ),
        allocations AS (
          INSERT INTO reservation_allocations (reservation_id, variant_id, location_id, quantity)
          SELECT r.id, u.variant_id, u.location_id, u.take FROM upd u CROSS JOIN res r
        ),
        movements AS (
          INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, reason, actor, reservation_id, at)
          SELECT gen_random_uuid(), u.variant_id, u.location_id, 'RESERVED', u.take, ${reason}, ${actor}, r.id, now()
          FROM upd u CROSS JOIN res r
        )
        SELECT
          (SELECT id::text FROM res) AS id,
          COALESCE((SELECT json_agg(json_build_object('variantId', variant_id, 'requested', qty, 'available', available)
                    ORDER BY variant_id) FROM shortfall), '[]'::json) AS shortages,
          COALESCE((SELECT json_agg(json_build_object('variantId', variant_id, 'locationId', location_id, 'quantity', take)
                    ORDER BY variant_id, location_id) FROM upd), '[]'::json) AS allocations`;
      if (row?.id) {
        const allocations = row.allocations;
        const held = allocations.reduce((sum, part) => sum + part.quantity, 0);
        // Cannot happen while the rows are locked; if it ever did, say so loudly rather than hide it.
        if (held !== quantities.reduce((sum, quantity) => sum + quantity, 0)) throw new Error(`reservation ${request.reference} holds ${held} units, not what was asked`);
        return { kind: 'RESERVED', reservation: { id: row.id, reference: request.reference, status: 'ACTIVE', expiresAt, allocations, lines: linesOf(allocations) } };
      }
      // Nothing inserted: an existing reference wins over a shortfall (a retry after the stock ran out
      // still gets its first reservation back).
      const existing = await byReference(request.reference);
      if (existing) return { kind: 'EXISTS', reservation: existing };
      if (row && row.shortages.length > 0) return { kind: 'INSUFFICIENT', shortages: row.shortages };
      throw new Error(`reservation ${request.reference} was neither made nor refused`);
    },

    async apply(reference, command, actor, options = {}) {
      const { tx, ...rest } = options;
      if (command === 'commit') {
        const ask = { reference, actor };
        return tx ? commitGathered(tx, ask) : db.$transaction((own) => commitGathered(own, ask), LOCKING_TRANSACTION);
      }
      if (tx) return applyIn(tx, reference, command, actor, rest);
      return db.$transaction((own) => applyIn(own, reference, command, actor, rest), LOCKING_TRANSACTION);
    },

    async expiredReferences(now, limit) {
      const rows = await db.$queryRaw<{ reference: string }[]>`
        SELECT reference FROM reservations WHERE status = 'ACTIVE' AND expires_at <= ${now}
        ORDER BY expires_at LIMIT ${limit}`;
      return rows.map((row) => row.reference);
    },
  };
}
