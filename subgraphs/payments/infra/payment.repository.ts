import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
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
  /** The payment under its row lock (and the order's lock, see startAuthorization), for the rest of `tx`. */
  lockByOrderId(tx: SqlClient, orderId: string): Promise<StoredPayment | null>;
  /**
   * lockByOrderId for the authorization's outcome, with whether the order was cancelled, read
   * after the order's lock was taken (so a cancel committed meanwhile is seen).
   */
  lockForOutcome(tx: SqlClient, orderId: string): Promise<{ payment: StoredPayment; cancelled: boolean } | null>;
  /**
   * Commits the attempt before the network is asked: an AUTHORIZING payment (or the one already
   * there). When the order's cancel arrived first, nothing new is recorded (`cancelled`, and the
   * payment only if an earlier attempt had started). Serialized per order with recordCancellation
   * and the outcome's settleAuthorization / lockForOutcome, so one of them always sees the other.
   */
  startAuthorization(record: NewPayment): Promise<{ cancelled: boolean; payment: StoredPayment | null }>;
  /** Commits the order's cancellation before anything else of the cancel, and returns its payment if any. */
  recordCancellation(orderId: string, reason: string): Promise<StoredPayment | null>;
  update(tx: SqlClient, paymentId: string, patch: PaymentPatch): Promise<void>;
  /**
   * Records an authorization's outcome under the order's lock: moves the AUTHORIZING payment by
   * `patch` in one statement, unless it has moved on meanwhile or (`unlessCancelled`) the order was
   * cancelled. The payment as moved and whether the order was cancelled; null when it did not move
   * (the caller looks with lockForOutcome).
   */
  settleAuthorization(tx: SqlClient, orderId: string, patch: PaymentPatch, unlessCancelled: boolean): Promise<{ payment: StoredPayment; cancelled: boolean } | null>;
  insertLedger(tx: SqlClient, payment: Payment, lines: readonly LedgerLine[], refundId: string | null): Promise<void>;
  /**
   * AUTHORIZED → CAPTURED with the capture's ledger lines, in one statement whose UPDATE takes the
   * row lock: the payment as captured, or null when it was not AUTHORIZED (then nothing changed).
   */
  capture(tx: SqlClient, payment: Payment, lines: readonly LedgerLine[], captureRequest: string): Promise<StoredPayment | null>;
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

/** What startAuthorization reads: the cancellation, and the payment if there is one (all null if not). */
type StartedRow = { cancelled: boolean } & (PaymentRow | { [K in keyof PaymentRow]: null });

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

/** Serializes the authorize attempt and the cancellation of one order (both take it first). */
const lockOrder = (tx: SqlClient, orderId: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`payments:order:${orderId}`}))`;

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

    startAuthorization(record) {
      return transaction(async (tx) => {
        // The lock first, in a statement of its own: the next one's snapshot is taken after it, so it
        // sees a cancellation committed while this waited.
        await lockOrder(tx, record.orderId);
        // The cancellation, the new payment unless cancelled (or the one already there) in one
        // statement. Payments are only inserted under the order's lock, so the one already there is
        // in this statement's snapshot; the one it inserts is not, so exactly one of them is returned.
        const [row] = await tx.$queryRaw<StartedRow[]>`
          WITH cancelled AS (
            SELECT EXISTS (SELECT 1 FROM payment_cancellations WHERE order_id = ${record.orderId}::uuid) AS yes
          ), started AS (
            INSERT INTO payments (id, order_id, order_number, customer_id, amount, currency, status, payment_method_token, vendor_shares, updated_at)
            SELECT ${randomUUID()}::uuid, ${record.orderId}::uuid, ${record.orderNumber}, ${record.customerId}::uuid, ${record.amount.amount},
                   ${record.amount.currency}, 'AUTHORIZING'::"PaymentStatus", ${record.paymentMethodToken}, ${JSON.stringify(record.vendorShares)}::jsonb, now()
            FROM cancelled WHERE NOT cancelled.yes
            ON CONFLICT (order_id) DO NOTHING
            RETURNING ${PAYMENT_COLUMNS}
          )
          SELECT cancelled.yes AS cancelled, payment.*
          FROM cancelled LEFT JOIN (
            SELECT * FROM started UNION ALL SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ${record.orderId}::uuid
          ) payment ON true`;
        if (!row) throw new Error('starting an authorization returned no row');
        const { cancelled, ...payment } = row;
        if (payment.id !== null) return { cancelled, payment: toPayment(payment) };
        if (!cancelled) throw new Error('a payment vanished while it was being started');
        return { cancelled, payment: null };
      });
    },

    recordCancellation(orderId, reason) {
      return transaction(async (tx) => {
        await lockOrder(tx, orderId);
        await tx.$executeRaw`INSERT INTO payment_cancellations (order_id, reason) VALUES (${orderId}::uuid, ${reason}) ON CONFLICT (order_id) DO NOTHING`;
        return selectPayment(tx, orderId, false);
      });
    },

    async update(tx, paymentId, patch) {
      await tx.$executeRaw`UPDATE payments SET ${patchSet(patch)} WHERE id = ${paymentId}::uuid`;
    },

    async settleAuthorization(tx, orderId, patch, unlessCancelled) {
      // The lock in a statement of its own (see lockForOutcome), then the move, its guard and the
      // cancellation in one: the UPDATE takes the row lock and re-checks AUTHORIZING on the newest row.
      await lockOrder(tx, orderId);
      const [row] = await tx.$queryRaw<(PaymentRow & { cancelled: boolean })[]>`
        UPDATE payments SET ${patchSet(patch)}
        WHERE order_id = ${orderId}::uuid AND status = 'AUTHORIZING'::"PaymentStatus"
          AND NOT (${unlessCancelled}::boolean AND EXISTS (SELECT 1 FROM payment_cancellations WHERE order_id = ${orderId}::uuid))
        RETURNING ${PAYMENT_COLUMNS}, EXISTS (SELECT 1 FROM payment_cancellations WHERE order_id = ${orderId}::uuid) AS cancelled`;
      if (!row) return null;
      const { cancelled, ...payment } = row;
      return { payment: toPayment(payment), cancelled };
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

    async capture(tx, payment, lines, captureRequest) {
      // The move, its entries and the payment as it is now: what three statements and a re-read did.
      // The entries are inserted only if the UPDATE moved the row (they join its RETURNING).
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
        )
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
