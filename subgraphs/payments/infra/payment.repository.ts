import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { outboxRows, type OutboxEntry } from '../../../platform/messaging/outbox.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { money, type Money } from '../../../platform/money/money.ts';
import type { LedgerLine, VendorShare } from '../domain/ledger.ts';
import type { LedgerEntry, Payment } from '../domain/payment.ts';
import type { PaymentStatus } from '../domain/payment.process.ts';
import { Prisma, PAYMENT_TRANSACTION, type PaymentsDatabase } from './prisma.ts';

/** A payment with what only payments itself needs to see. */
export interface StoredPayment extends Payment {
  paymentMethodToken: string;
  /** `<actor>:<idempotency key>` of the capture, so its retry is recognised. */
  captureRequest: string | null;
}

export interface NewPayment {
  orderId: string;
  orderNumber: string;
  customerId: string;
  amount: Money;
  paymentMethodToken: string;
  vendorShares: VendorShare[];
}

export interface PaymentPatch {
  status: PaymentStatus;
  reason?: string | null;
  authorizationId?: string | null;
  cardLast4?: string;
  cardBrand?: string;
  capturedAmount?: number;
  refundedAmount?: number;
  captureRequest?: string;
}

/** What starting an authorization found: whether the order was cancelled, and its payment if there is one. */
export interface StartedAuthorization {
  cancelled: boolean;
  payment: StoredPayment | null;
}

export type RefundStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface StoredRefund {
  id: string;
  paymentId: string;
  amount: number;
  reason: string;
  status: RefundStatus;
  requestedBy: string;
  requestHash: string | null;
}

export interface NewRefund {
  id: string;
  orderId: string;
  amount: Money;
  reason: string;
  requestedBy: string;
  requestHash: string | null;
}

export type RefundReservation = { refund: StoredRefund; payment: StoredPayment; existing: boolean };
export type RefundRefusal = 'NOT_FOUND' | 'NOT_CAPTURED' | 'EXCEEDS' | 'CURRENCY';

export interface LedgerPosition {
  at: string;
  id: string;
}

export interface PaymentRepository {
  /** A transaction of its own (the GraphQL and webhook paths; the saga's handlers get the inbox's). */
  transaction<T>(run: (tx: SqlClient) => Promise<T>): Promise<T>;
  byOrderId(orderId: string, client?: SqlClient): Promise<StoredPayment | null>;
  /** The payments of several orders in one read: one per order id, in their order (null where there is none). */
  byOrderIds(orderIds: readonly string[]): Promise<(StoredPayment | null)[]>;
  /** The payment under its row lock (and the order's lock, see startAuthorizations), for the rest of `tx`. */
  lockByOrderId(tx: SqlClient, orderId: string): Promise<StoredPayment | null>;
  /**
   * lockByOrderId for the authorization's outcome, with whether the order was cancelled, read
   * after the order's lock was taken (so a cancel committed meanwhile is seen).
   */
  lockForOutcome(tx: SqlClient, orderId: string): Promise<{ payment: StoredPayment; cancelled: boolean } | null>;
  /**
   * Commits the attempts before the network is asked, those that arrive together in one
   * transaction: per record an AUTHORIZING payment (or the one already there). When the order's
   * cancel arrived first, nothing new is recorded (`cancelled`, and the payment only if an earlier
   * attempt had started). Serialized per order with recordCancellation by the order's lock, so one
   * of them always sees the other. One answer per record, in their order; a record repeated (the
   * same order) gets the answer of its first.
   */
  startAuthorizations(records: readonly NewPayment[]): Promise<StartedAuthorization[]>;
  /**
   * Commits the order's cancellation before anything else of the cancel, and returns its payment if
   * any. A payment still AUTHORIZING is touched (its updated_at moves on), so the authorization's
   * outcome, recorded meanwhile, sees that it changed (settleAuthorization).
   */
  recordCancellation(orderId: string, reason: string): Promise<StoredPayment | null>;
  update(tx: SqlClient, paymentId: string, patch: PaymentPatch): Promise<void>;
  /**
   * Records an authorization's outcome and its answer in one statement: moves the payment by
   * `patch` only if it is still as `started` (AUTHORIZING, not touched by a cancel since) and its
   * order was not cancelled. The payment as moved; null when it did not move (the caller looks
   * with lockForOutcome).
   */
  settleAuthorization(tx: SqlClient, started: StoredPayment, patch: PaymentPatch, answer: OutboxEntry): Promise<StoredPayment | null>;
  insertLedger(tx: SqlClient, payment: Payment, lines: readonly LedgerLine[], refundId: string | null): Promise<void>;
  /**
   * AUTHORIZED → CAPTURED with the capture's ledger lines and its answer, in one statement whose
   * UPDATE takes the row lock: the payment as captured, or null when it was not AUTHORIZED (then
   * nothing changed and nothing was written).
   */
  capture(tx: SqlClient, payment: Payment, lines: readonly LedgerLine[], captureRequest: string, answer: OutboxEntry): Promise<StoredPayment | null>;
  /** The capture's entries (SALE, COMMISSION) in a fixed order: what refunds reverse pro rata. */
  captureLines(client: SqlClient, paymentId: string): Promise<LedgerLine[]>;
  /**
   * Records a PENDING refund under the payment's row lock, if what is captured, minus what is
   * refunded and what other pending refunds hold, covers it. The same refund id again returns the
   * first (`existing`).
   */
  reserveRefund(refund: NewRefund): Promise<Result<RefundReservation, RefundRefusal>>;
  lockRefund(tx: SqlClient, refundId: string): Promise<StoredRefund | null>;
  /** A refund the network already made (its webhook): recorded SUCCEEDED at once. */
  insertSucceededRefund(tx: SqlClient, refund: Omit<NewRefund, 'orderId' | 'requestHash'> & { paymentId: string }): Promise<void>;
  setRefundStatus(tx: SqlClient, refundId: string, status: RefundStatus): Promise<void>;
  /** The request digest an idempotency key was first used with, if it was. */
  requestHash(actor: string, key: string): Promise<string | null>;
  /** Claims the key with `tx`'s change; false when it is taken by a different request. */
  claimRequestKey(tx: SqlClient, actor: string, key: string, hash: string): Promise<boolean>;
  /** Records a provider event id; false when it was seen before (a replay). */
  recordWebhookEvent(tx: SqlClient, id: string, type: string): Promise<boolean>;
  /** Deletes up to `limit` idempotency keys claimed before `before`; returns how many (the retention job). */
  deleteRequestKeys(before: Date, limit: number): Promise<number>;
  /** Deletes up to `limit` webhook event ids received before `before`; returns how many (the retention job). */
  deleteWebhookEvents(before: Date, limit: number): Promise<number>;
  /** A vendor's balance per currency: the sum of its entries. */
  balances(vendorId: string): Promise<Money[]>;
  entries(vendorId: string | null, limit: number, after: LedgerPosition | null): Promise<LedgerEntry[]>;
  countEntries(vendorId: string | null): Promise<number>;
}

interface PaymentRow {
  id: string;
  orderId: string;
  orderNumber: string;
  customerId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  paymentMethodToken: string;
  cardLast4: string | null;
  cardBrand: string | null;
  capturedAmount: number;
  refundedAmount: number;
  reason: string | null;
  vendorShares: VendorShare[];
  captureRequest: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What startAuthorizations reads per order: the cancellation, and the payment if there is one (all null if not). */
type StartedRow = { askedFor: string; cancelled: boolean } & (PaymentRow | { [K in keyof PaymentRow]: null });

const PAYMENT_COLUMNS = Prisma.sql`
  id::text, order_id::text AS "orderId", order_number AS "orderNumber", customer_id::text AS "customerId", amount, currency,
  status::text AS status, payment_method_token AS "paymentMethodToken", card_last4 AS "cardLast4", card_brand AS "cardBrand",
  captured_amount AS "capturedAmount", refunded_amount AS "refundedAmount", reason, vendor_shares AS "vendorShares",
  capture_request AS "captureRequest", created_at AS "createdAt", updated_at AS "updatedAt"`;

function toPayment(row: PaymentRow): StoredPayment {
  const currency = row.currency.trim();
  return {
    id: row.id,
    orderId: row.orderId,
    orderNumber: row.orderNumber,
    customerId: row.customerId,
    status: row.status,
    amount: money(row.amount, currency),
    captured: money(row.capturedAmount, currency),
    refunded: money(row.refundedAmount, currency),
    cardLast4: row.cardLast4,
    cardBrand: row.cardBrand,
    reason: row.reason,
    vendorShares: row.vendorShares,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    paymentMethodToken: row.paymentMethodToken,
    captureRequest: row.captureRequest,
  };
}

const REFUND_COLUMNS = Prisma.sql`id::text, payment_id::text AS "paymentId", amount, reason, status::text AS status, requested_by AS "requestedBy", request_hash AS "requestHash"`;

/** The SET list of a patch: what it names changes, the rest stays. */
const patchSet = (patch: PaymentPatch) => Prisma.sql`
  status = ${patch.status}::"PaymentStatus",
  reason = CASE WHEN ${patch.reason !== undefined} THEN ${patch.reason ?? null} ELSE reason END,
  authorization_id = COALESCE(${patch.authorizationId ?? null}, authorization_id),
  card_last4 = COALESCE(${patch.cardLast4 ?? null}, card_last4),
  card_brand = COALESCE(${patch.cardBrand ?? null}, card_brand),
  captured_amount = COALESCE(${patch.capturedAmount ?? null}::int, captured_amount),
  refunded_amount = COALESCE(${patch.refundedAmount ?? null}::int, refunded_amount),
  capture_request = COALESCE(${patch.captureRequest ?? null}, capture_request),
  updated_at = now()`;

/** Ledger lines as the columns of `unnest(…)`: every line of a movement in one INSERT. */
function ledgerColumns(lines: readonly LedgerLine[]) {
  return {
    ids: lines.map(() => randomUUID()),
    vendorIds: lines.map((line) => line.vendorId),
    vendorOrderIds: lines.map((line) => line.vendorOrderId),
    kinds: lines.map((line) => line.kind),
    amounts: lines.map((line) => line.amount),
  };
}

/**
 * The outbox row of `answer` as the body of a CTE beside the change it announces: written once per
 * row of the CTE named `changed`, so only if the change happened, and in the change's statement
 * instead of a round trip of its own.
 */
function outboxBeside(changed: 'moved' | 'captured', answer: OutboxEntry) {
  const rows = outboxRows([answer]);
  return Prisma.sql`
    INSERT INTO outbox_message (id, type, version, payload, correlation_id, occurred_at)
    SELECT t.id, t.type, t.version, t.payload, t.correlation_id, ${rows.occurredAt}::timestamptz
    FROM ${Prisma.raw(changed)}, unnest(${rows.ids}::uuid[], ${rows.types}::text[], ${rows.versions}::int[], ${rows.payloads}::jsonb[], ${rows.correlationIds}::text[])
      AS t(id, type, version, payload, correlation_id)`;
}

/**
 * The name of the lock that serializes the authorize attempt and the cancellation of one order
 * (both take it first); lower case, as a uuid has one lock however a message spells it.
 */
const orderLock = (orderId: string) => `payments:order:${orderId.toLowerCase()}`;
const lockOrder = (tx: SqlClient, orderId: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${orderLock(orderId)}))`;

async function selectPayment(client: SqlClient, orderId: string, forUpdate: boolean): Promise<StoredPayment | null> {
  const rows = forUpdate
    ? await client.$queryRaw<PaymentRow[]>`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ${orderId}::uuid FOR UPDATE`
    : await client.$queryRaw<PaymentRow[]>`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ${orderId}::uuid`;
  return rows[0] ? toPayment(rows[0]) : null;
}

export function createPaymentRepository(db: PaymentsDatabase): PaymentRepository {
  const transaction = <T>(run: (tx: SqlClient) => Promise<T>) => db.$transaction((tx) => run(tx), PAYMENT_TRANSACTION);
  return {
    transaction,
    byOrderId: (orderId, client = db) => selectPayment(client, orderId, false),
    async byOrderIds(orderIds) {
      const rows = await db.$queryRaw<PaymentRow[]>`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ANY(${orderIds}::uuid[])`;
      const found = new Map(rows.map((row) => [row.orderId, toPayment(row)]));
      return orderIds.map((orderId) => found.get(orderId.toLowerCase()) ?? null);
    },
    async lockByOrderId(tx, orderId) {
      await lockOrder(tx, orderId);
      return selectPayment(tx, orderId, true);
    },
    async lockForOutcome(tx, orderId) {
      // Two statements, not one: a statement that waited for the advisory lock would still read
      // payment_cancellations as of before the wait, and miss the cancel it waited for.
      await lockOrder(tx, orderId);
      const [row] = await tx.$queryRaw<(PaymentRow & { cancelled: boolean })[]>`
        SELECT ${PAYMENT_COLUMNS}, EXISTS (SELECT 1 FROM payment_cancellations WHERE order_id = ${orderId}::uuid) AS cancelled
        FROM payments WHERE order_id = ${orderId}::uuid FOR UPDATE`;
      if (!row) return null;
      const { cancelled, ...payment } = row;
      return { payment: toPayment(payment), cancelled };
    },

    startAuthorizations(records) {
      // By order id as Postgres spells it (lower case), which is how the rows come back.
      const orderOf = (record: NewPayment) => record.orderId.toLowerCase();
      const firstOfOrder = new Map<string, NewPayment>();
      for (const record of records) if (!firstOfOrder.has(orderOf(record))) firstOfOrder.set(orderOf(record), record);
      const asked = [...firstOfOrder].map(([orderId, record]) => ({
        id: randomUUID(),
        order_id: orderId,
        order_number: record.orderNumber,
        customer_id: record.customerId,
        amount: record.amount.amount,
        currency: record.amount.currency,
        payment_method_token: record.paymentMethodToken,
        vendor_shares: record.vendorShares,
      }));
      return transaction(async (tx) => {
        // The locks first, in a statement of their own: the next one's snapshot is taken after them,
        // so it sees a cancellation committed while this waited. Taken in one order (by key), so two
        // batches sharing orders never wait on each other crosswise.
        await tx.$executeRaw`
          SELECT pg_advisory_xact_lock(key)
          FROM (SELECT DISTINCT hashtext(name) AS key FROM unnest(${[...firstOfOrder.keys()].map(orderLock)}::text[]) AS name ORDER BY key) AS keys`;
        // Per order, the cancellation, the new payment unless cancelled (or the one already there),
        // in one statement. The existing payments are looked up by an array of ids, not by a join on
        // the recordset, whose size the planner cannot see (it scanned the whole table). Payments are only inserted under the order's lock, so the one already
        // there is in this statement's snapshot; the one it inserts is not, so exactly one of them
        // is returned.
        const rows = await tx.$queryRaw<StartedRow[]>`
          WITH asked AS (
            SELECT r.*, EXISTS (SELECT 1 FROM payment_cancellations c WHERE c.order_id = r.order_id) AS cancelled
            FROM jsonb_to_recordset(${JSON.stringify(asked)}::jsonb) AS r(id uuid, order_id uuid, order_number text, customer_id uuid, amount int,
                                                                         currency text, payment_method_token text, vendor_shares jsonb)
          ), started AS (
            INSERT INTO payments (id, order_id, order_number, customer_id, amount, currency, status, payment_method_token, vendor_shares, updated_at)
            SELECT id, order_id, order_number, customer_id, amount, currency, 'AUTHORIZING'::"PaymentStatus", payment_method_token, vendor_shares, now()
            FROM asked WHERE NOT cancelled
            ON CONFLICT (order_id) DO NOTHING
            RETURNING ${PAYMENT_COLUMNS}
          )
          SELECT asked.order_id::text AS "askedFor", asked.cancelled, payment.*
          FROM asked LEFT JOIN (
            SELECT * FROM started
            UNION ALL SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ANY(${[...firstOfOrder.keys()]}::uuid[])
          ) AS payment ON payment."orderId" = asked.order_id::text`;
        const found = new Map<string, StartedAuthorization>();
        for (const { askedFor, cancelled, ...payment } of rows) {
          if (payment.id !== null) found.set(askedFor, { cancelled, payment: toPayment(payment) });
          else if (cancelled) found.set(askedFor, { cancelled, payment: null });
          else throw new Error('a payment vanished while it was being started');
        }
        return records.map((record) => {
          const started = found.get(orderOf(record));
          if (!started) throw new Error('starting an authorization returned no row');
          return started;
        });
      });
    },

    recordCancellation(orderId, reason) {
      return transaction(async (tx) => {
        await lockOrder(tx, orderId);
        // The touch makes updated_at differ from what the authorization step read, even within the
        // same millisecond; an outcome recorded meanwhile waits on this row and then fails its guard.
        const [touched] = await tx.$queryRaw<PaymentRow[]>`
          WITH recorded AS (
            INSERT INTO payment_cancellations (order_id, reason) VALUES (${orderId}::uuid, ${reason}) ON CONFLICT (order_id) DO NOTHING
          )
          UPDATE payments SET updated_at = GREATEST(now(), updated_at + interval '1 millisecond')
          WHERE order_id = ${orderId}::uuid AND status = 'AUTHORIZING'::"PaymentStatus"
          RETURNING ${PAYMENT_COLUMNS}`;
        if (touched) return toPayment(touched);
        // Not AUTHORIZING, or no payment: read afresh, after the outcome the UPDATE may have waited for.
        return selectPayment(tx, orderId, false);
      });
    },

    async update(tx, paymentId, patch) {
      await tx.$executeRaw`UPDATE payments SET ${patchSet(patch)} WHERE id = ${paymentId}::uuid`;
    },

    async settleAuthorization(tx, started, patch, answer) {
      // No order's lock: a cancellation committed before this statement is seen by NOT EXISTS; one
      // committed while it runs touched the row (recordCancellation), and the UPDATE, having waited
      // on that row, re-checks its guard on the newest version, where updated_at no longer matches.
      const [row] = await tx.$queryRaw<PaymentRow[]>`
        WITH moved AS (
          UPDATE payments SET ${patchSet(patch)}
          WHERE id = ${started.id}::uuid AND status = 'AUTHORIZING'::"PaymentStatus" AND updated_at = ${started.updatedAt}::timestamptz
            AND NOT EXISTS (SELECT 1 FROM payment_cancellations WHERE order_id = ${started.orderId}::uuid)
          RETURNING ${PAYMENT_COLUMNS}
        ), answered AS (${outboxBeside('moved', answer)})
        SELECT * FROM moved`;
      return row ? toPayment(row) : null;
    },

    async insertLedger(tx, payment, lines, refundId) {
      if (lines.length === 0) return;
      // One statement for all lines; captureLines restores a stable order (they share created_at).
      const columns = ledgerColumns(lines);
      await tx.$executeRaw`
        INSERT INTO ledger_entries (id, payment_id, order_id, vendor_id, vendor_order_id, refund_id, kind, amount, currency)
        SELECT e.id, ${payment.id}::uuid, ${payment.orderId}::uuid, e.vendor_id, e.vendor_order_id, ${refundId}::uuid, e.kind, e.amount, ${payment.amount.currency}
        FROM unnest(${columns.ids}::uuid[], ${columns.vendorIds}::uuid[], ${columns.vendorOrderIds}::uuid[], ${columns.kinds}::"LedgerEntryKind"[], ${columns.amounts}::int[])
          AS e(id, vendor_id, vendor_order_id, kind, amount)`;
    },

    async capture(tx, payment, lines, captureRequest, answer) {
      // The move, its entries, its answer and the payment as it is now, in one statement. The entries
      // and the answer are inserted only if the UPDATE moved the row (they join its RETURNING).
      const columns = ledgerColumns(lines);
      const rows = await tx.$queryRaw<PaymentRow[]>`
        WITH captured AS (
          UPDATE payments SET status = 'CAPTURED'::"PaymentStatus", captured_amount = ${payment.amount.amount}::int,
                 capture_request = ${captureRequest}, updated_at = now()
          WHERE order_id = ${payment.orderId}::uuid AND status = 'AUTHORIZED'::"PaymentStatus"
          RETURNING ${PAYMENT_COLUMNS}
        ), entries AS (
          INSERT INTO ledger_entries (id, payment_id, order_id, vendor_id, vendor_order_id, refund_id, kind, amount, currency)
          SELECT e.id, captured.id::uuid, captured."orderId"::uuid, e.vendor_id, e.vendor_order_id, NULL, e.kind, e.amount, captured.currency
          FROM captured CROSS JOIN unnest(${columns.ids}::uuid[], ${columns.vendorIds}::uuid[], ${columns.vendorOrderIds}::uuid[],
                                          ${columns.kinds}::"LedgerEntryKind"[], ${columns.amounts}::int[])
            AS e(id, vendor_id, vendor_order_id, kind, amount)
        ), answered AS (${outboxBeside('captured', answer)})
        SELECT * FROM captured`;
      return rows[0] ? toPayment(rows[0]) : null;
    },

    async captureLines(client, paymentId) {
      // SALE lines by vendor order, then the platform's COMMISSION: the same order every refund sees.
      return client.$queryRaw<LedgerLine[]>`
        SELECT vendor_id::text AS "vendorId", vendor_order_id::text AS "vendorOrderId", kind::text AS kind, amount
        FROM ledger_entries WHERE payment_id = ${paymentId}::uuid AND kind IN ('SALE', 'COMMISSION')
        ORDER BY kind DESC, vendor_order_id, vendor_id`;
    },

    async reserveRefund(refund) {
      return transaction(async (tx): Promise<Result<RefundReservation, RefundRefusal>> => {
        const payment = await selectPayment(tx, refund.orderId, true);
        if (!payment) return fail('NOT_FOUND');
        const earlier = await tx.$queryRaw<StoredRefund[]>`SELECT ${REFUND_COLUMNS} FROM refunds WHERE id = ${refund.id}::uuid`;
        if (earlier[0]) return ok({ refund: earlier[0], payment, existing: true });
        if (payment.status !== 'CAPTURED' && payment.status !== 'PARTIALLY_REFUNDED') return fail('NOT_CAPTURED');
        if (payment.amount.currency !== refund.amount.currency) return fail('CURRENCY');
        const pending = await tx.$queryRaw<{ held: number }[]>`
          SELECT COALESCE(SUM(amount), 0)::int AS held FROM refunds WHERE payment_id = ${payment.id}::uuid AND status = 'PENDING'`;
        const held = pending[0]?.held ?? 0;
        if (payment.refunded.amount + held + refund.amount.amount > payment.captured.amount) return fail('EXCEEDS');
        const rows = await tx.$queryRaw<StoredRefund[]>`
          INSERT INTO refunds (id, payment_id, amount, reason, status, requested_by, request_hash, updated_at)
          VALUES (${refund.id}::uuid, ${payment.id}::uuid, ${refund.amount.amount}, ${refund.reason}, 'PENDING'::"RefundStatus",
                  ${refund.requestedBy}, ${refund.requestHash}, now())
          RETURNING ${REFUND_COLUMNS}`;
        const stored = rows[0];
        if (!stored) throw new Error('refund insert returned no row');
        return ok({ refund: stored, payment, existing: false });
      });
    },

    async lockRefund(tx, refundId) {
      const rows = await tx.$queryRaw<StoredRefund[]>`SELECT ${REFUND_COLUMNS} FROM refunds WHERE id = ${refundId}::uuid FOR UPDATE`;
      return rows[0] ?? null;
    },

    async insertSucceededRefund(tx, refund) {
      await tx.$executeRaw`
        INSERT INTO refunds (id, payment_id, amount, reason, status, requested_by, updated_at)
        VALUES (${refund.id}::uuid, ${refund.paymentId}::uuid, ${refund.amount.amount}, ${refund.reason}, 'SUCCEEDED'::"RefundStatus", ${refund.requestedBy}, now())`;
    },

    async setRefundStatus(tx, refundId, status) {
      await tx.$executeRaw`UPDATE refunds SET status = ${status}::"RefundStatus", updated_at = now() WHERE id = ${refundId}::uuid`;
    },

    async requestHash(actor, key) {
      const rows = await db.$queryRaw<{ requestHash: string }[]>`SELECT request_hash AS "requestHash" FROM payment_requests WHERE actor = ${actor} AND key = ${key}`;
      return rows[0]?.requestHash ?? null;
    },

    async claimRequestKey(tx, actor, key, hash) {
      await tx.$executeRaw`INSERT INTO payment_requests (actor, key, request_hash) VALUES (${actor}, ${key}, ${hash}) ON CONFLICT (actor, key) DO NOTHING`;
      const rows = await tx.$queryRaw<{ requestHash: string }[]>`SELECT request_hash AS "requestHash" FROM payment_requests WHERE actor = ${actor} AND key = ${key}`;
      return rows[0]?.requestHash === hash;
    },

    async recordWebhookEvent(tx, id, type) {
      const inserted = await tx.$executeRaw`INSERT INTO webhook_events (id, type) VALUES (${id}, ${type}) ON CONFLICT (id) DO NOTHING`;
      return inserted > 0;
    },

    // SKIP LOCKED: instances running the retention job at once take different rows.
    async deleteRequestKeys(before, limit) {
      return db.$executeRaw`
        DELETE FROM payment_requests WHERE (actor, key) IN (
          SELECT actor, key FROM payment_requests WHERE created_at < ${before} ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
    },

    async deleteWebhookEvents(before, limit) {
      return db.$executeRaw`
        DELETE FROM webhook_events WHERE id IN (
          SELECT id FROM webhook_events WHERE received_at < ${before} ORDER BY received_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
    },

    async balances(vendorId) {
      const rows = await db.$queryRaw<{ currency: string; amount: bigint | number }[]>`
        SELECT currency, SUM(amount)::bigint AS amount FROM ledger_entries WHERE vendor_id = ${vendorId}::uuid GROUP BY currency ORDER BY currency`;
      return rows.map((row) => money(Number(row.amount), row.currency.trim()));
    },

    async entries(vendorId, limit, after) {
      const owner = vendorId === null ? Prisma.empty : Prisma.sql`AND vendor_id = ${vendorId}::uuid`;
      const position = after ? Prisma.sql`AND (created_at, id) < (${new Date(after.at)}, ${after.id}::uuid)` : Prisma.empty;
      const rows = await db.$queryRaw<(Omit<LedgerEntry, 'amount'> & { amount: number; currency: string })[]>`
        SELECT id::text, payment_id::text AS "paymentId", order_id::text AS "orderId", vendor_id::text AS "vendorId",
               vendor_order_id::text AS "vendorOrderId", refund_id::text AS "refundId", kind::text AS kind, amount, currency, created_at AS "createdAt"
        FROM ledger_entries WHERE true ${owner} ${position}
        ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`;
      return rows.map(({ currency, amount, ...row }) => ({ ...row, kind: row.kind, amount: money(amount, currency.trim()) }));
    },

    async countEntries(vendorId) {
      const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM ledger_entries WHERE ${vendorId}::uuid IS NULL OR vendor_id = ${vendorId}::uuid`;
      return Number(row?.n ?? 0);
    },
  };
}
