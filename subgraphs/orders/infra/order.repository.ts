import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { gatheredPerTransaction } from '../../../platform/messaging/gathered.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { outboxRows, writeOutboxEntries, type OutboxEntry } from '../../../platform/messaging/outbox.ts';
import type { CancelReason, OrderStatus, VendorOrderStatus } from '../domain/order.process.ts';
import { orderNumber, vendorOrderNumber } from '../domain/order-number.ts';
import type { Order, OrderLine, OrderStatusChange, OrderDraft, ShippingAddress, VendorOrder } from '../domain/order.ts';
import { ORDER_TRANSACTION, type OrdersDatabase } from './prisma.ts';

/** An order with what only the saga needs (never shown to a client). */
export interface OrderRecord extends Order {
  paymentMethodToken: string;
  idempotencyKey: string;
  requestHash: string;
  correlationId: string;
  paymentId: string | null;
  captureRequestedAt: Date | null;
  stepDeadline: Date | null;
}

/** An order with its vendor orders and lines, as one read or one lock saw them. */
export interface OrderAggregate {
  order: OrderRecord;
  vendorOrders: VendorOrder[];
  lines: OrderLine[];
}

/** What placeOrder writes. */
export interface NewOrder {
  customerId: string;
  cartId: string;
  shippingAddress: ShippingAddress;
  paymentMethodToken: string;
  idempotencyKey: string;
  requestHash: string;
  correlationId: string;
  draft: OrderDraft;
  stepDeadline: Date;
}

/**
 * One saga or customer step on a locked order, applied in the caller's transaction: the status
 * move (only if the order is still in `from`, so two writers never both move it), its history
 * row, the vendor orders that move with it, the saga fields, and the messages it sends.
 */
export interface OrderChange {
  orderId: string;
  from: OrderStatus;
  /** Null: the status stays (a step inside one status, e.g. capture requested). */
  to: OrderStatus | null;
  reason: string;
  cancelReason?: CancelReason;
  paymentId?: string;
  captureRequested?: boolean;
  confirmed?: boolean;
  /** The new deadline of the saga's step; null when the order waits for nothing more. */
  stepDeadline: Date | null;
  /** Vendor orders in one of `from` move to `to`. */
  vendorOrders?: { from: readonly VendorOrderStatus[]; to: VendorOrderStatus };
  messages: OutboxEntry[];
}

export interface OrderListFilter {
  customerId?: string;
  status?: OrderStatus | null;
  vendorId?: string | null;
  placedFrom?: Date | null;
  placedTo?: Date | null;
}

export interface TimeCursor {
  at: string;
  id: string;
}

export interface DailyStatsRow {
  day: string;
  currency: string;
  orders: number;
  revenue: number;
}

export interface VendorStatsRow {
  vendorId: string;
  currency: string;
  orders: number;
  revenue: number;
}

export interface OrderRepository {
  /**
   * Writes the PENDING order, its vendor orders, lines, first history row and `messages(order)`
   * atomically, numbered from the sequence, and returns them as written (with the history) without
   * reading them back. KEY_TAKEN (nothing written) when this customer's idempotency key is
   * already claimed: a concurrent twin waits on the unique index until the first commits, then
   * finds it here.
   */
  place(order: NewOrder, messages: (placed: OrderAggregate) => OutboxEntry[]): Promise<Result<{ placed: OrderAggregate; history: OrderStatusChange[] }, 'KEY_TAKEN'>>;
  /** The order this customer placed under this key, with its parts. */
  byIdempotencyKey(customerId: string, key: string): Promise<OrderAggregate | null>;
  byId(id: string): Promise<OrderAggregate | null>;
  history(orderId: string): Promise<OrderStatusChange[]>;
  list(filter: OrderListFilter, limit: number, after: TimeCursor | null): Promise<OrderAggregate[]>;
  count(filter: OrderListFilter): Promise<number>;
  vendorOrders(vendorId: string, status: VendorOrderStatus | null, limit: number, after: TimeCursor | null): Promise<VendorOrder[]>;
  countVendorOrders(vendorId: string, status: VendorOrderStatus | null): Promise<number>;
  linesOfVendorOrder(vendorOrderId: string): Promise<OrderLine[]>;
  /** Confirmed orders (still confirmed, shipped or delivered) by UTC day of confirmation, and per vendor. */
  stats(from: Date, to: Date, vendorLimit: number): Promise<{ days: DailyStatsRow[]; vendors: VendorStatsRow[] }>;
  /** Orders whose saga step passed its deadline, oldest deadline first. */
  overdue(now: Date, limit: number): Promise<string[]>;

  /** In a transaction: the order with its parts, its row locked FOR UPDATE (SKIP LOCKED: null when another holds it). */
  lock(tx: SqlClient, orderId: string, options?: { skipLocked?: boolean }): Promise<OrderAggregate | null>;
  /** In a transaction: applies a change to an order locked by `lock`. False when it was no longer in `from` (nothing written). */
  apply(tx: SqlClient, change: OrderChange): Promise<boolean>;
  /** The order a vendor order of this vendor belongs to (null: no such vendor order of this vendor). */
  orderIdOfVendorOrder(vendorOrderId: string, vendorId: string): Promise<string | null>;
  /** In a transaction: records a shipment of a CONFIRMED vendor order; false when it was not CONFIRMED. */
  shipVendorOrder(tx: SqlClient, vendorOrderId: string, shipment: { carrier: string; trackingNumber: string }): Promise<boolean>;
  /** In a transaction: records the delivery of a SHIPPED vendor order (delivered_at now); false when it was not SHIPPED. */
  deliverVendorOrder(tx: SqlClient, vendorOrderId: string): Promise<boolean>;
  /** In a transaction: writes messages with no change of the order (a reply to a late message). */
  send(tx: SqlClient, messages: OutboxEntry[]): Promise<void>;
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

type OrderRow = {
  id: string;
  number: string;
  customerId: string;
  cartId: string | null;
  status: OrderStatus;
  currency: string;
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
  taxRateBp: number;
  shippingAddress: ShippingAddress;
  cancelReason: CancelReason | null;
  paymentMethodToken: string;
  idempotencyKey: string;
  requestHash: string;
  correlationId: string;
  paymentId: string | null;
  captureRequestedAt: Date | null;
  stepDeadline: Date | null;
  placedAt: Date;
  confirmedAt: Date | null;
  updatedAt: Date;
};

type VendorOrderRow = Omit<VendorOrder, 'currency'>;
type LineRow = Omit<OrderLine, 'currency'>;

// The column lists, once: every read maps the same names.
const ORDER_COLUMNS = (alias: string) => `
  ${alias}.id::text AS id, ${alias}.number, ${alias}.customer_id::text AS "customerId", ${alias}.cart_id::text AS "cartId",
  ${alias}.status::text AS status, ${alias}.currency, ${alias}.subtotal, ${alias}.shipping, ${alias}.tax, ${alias}.total,
  ${alias}.tax_rate_bp AS "taxRateBp", ${alias}.shipping_address AS "shippingAddress", ${alias}.cancel_reason AS "cancelReason",
  ${alias}.payment_method_token AS "paymentMethodToken", ${alias}.idempotency_key AS "idempotencyKey", ${alias}.request_hash AS "requestHash",
  ${alias}.correlation_id AS "correlationId", ${alias}.payment_id::text AS "paymentId", ${alias}.capture_requested_at AS "captureRequestedAt",
  ${alias}.step_deadline AS "stepDeadline", ${alias}.placed_at AS "placedAt", ${alias}.confirmed_at AS "confirmedAt", ${alias}.updated_at AS "updatedAt"`;

/** A vendor order as the json subquery gives it: timestamps as ISO strings. */
type VendorOrderJson = Omit<VendorOrderRow, 'shippedAt' | 'deliveredAt' | 'createdAt'> & { shippedAt: string | null; deliveredAt: string | null; createdAt: string };

// The order's vendor orders and lines as two json arrays beside its columns.
const PARTS_COLUMNS = (alias: string) => `
  (SELECT coalesce(json_agg(json_build_object(
      'id', v.id::text, 'orderId', v.order_id::text, 'vendorId', v.vendor_id::text, 'number', v.number, 'position', v.position,
      'status', v.status::text, 'subtotal', v.subtotal, 'shipping', v.shipping, 'tax', v.tax, 'total', v.total, 'carrier', v.carrier,
      'trackingNumber', v.tracking_number, 'shippedAt', v.shipped_at, 'deliveredAt', v.delivered_at, 'createdAt', v.created_at) ORDER BY v.position), '[]'::json)
   FROM vendor_orders v WHERE v.order_id = ${alias}.id) AS "vendorOrders",
  (SELECT coalesce(json_agg(json_build_object(
      'id', l.id::text, 'orderId', l.order_id::text, 'vendorOrderId', l.vendor_order_id::text, 'position', l.position,
      'variantId', l.variant_id::text, 'productId', l.product_id::text, 'sku', l.sku, 'productName', l.product_name,
      'variantTitle', l.variant_title, 'quantity', l.quantity, 'unitPrice', l.unit_price, 'lineTotal', l.line_total) ORDER BY l.position), '[]'::json)
   FROM order_lines l WHERE l.order_id = ${alias}.id) AS "lines"`;

/**
 * Order numbers taken from the sequence this many at a time (one statement per block, not per
 * order, like Hibernate's pooled optimizer). A process that stops leaves the rest of its block
 * unused, a gap like the one a rolled-back insert leaves; with several replicas, numbers follow
 * each replica's own order, not the marketplace's.
 */
const ORDER_NUMBER_BLOCK = 20;

/** Values of `order_number_seq`, fetched `size` at a time; callers waiting for a block share its fetch. */
function sequenceInBlocks(db: SqlClient, size: number): () => Promise<bigint> {
  const ready: bigint[] = [];
  let fetching: Promise<void> | null = null;
  const fetchBlock = async () => {
    try {
      const rows = await db.$queryRaw<{ n: bigint }[]>`SELECT nextval('order_number_seq') AS n FROM generate_series(1, ${size}::int) ORDER BY 1`;
      ready.push(...rows.map((row) => row.n));
    } finally {
      fetching = null;
    }
  };
  const refill = () => (fetching ??= fetchBlock());
  return async function next(): Promise<bigint> {
    for (;;) {
      const value = ready.shift();
      if (value !== undefined) return value;
      await refill();
    }
  };
}

export function createOrderRepository(db: OrdersDatabase): OrderRepository {
  // An order with its vendor orders and lines in one statement (json subqueries): a saga step
  // locks and reads its order in one round trip, not three. Column lists are constants of this
  // module, never input: $queryRawUnsafe only splices them, every value still travels as a bind
  // parameter.
  const selectAggregates = async (tx: SqlClient, where: string, values: unknown[], suffix = ''): Promise<OrderAggregate[]> => {
    const rows = await tx.$queryRawUnsafe<(OrderRow & { vendorOrders: VendorOrderJson[]; lines: LineRow[] })[]>(
      `SELECT ${ORDER_COLUMNS('o')}, ${PARTS_COLUMNS('o')} FROM orders o WHERE ${where} ${suffix}`,
      ...values,
    );
    return rows.map(({ vendorOrders, lines, ...order }) => ({
      order,
      vendorOrders: vendorOrders.map((part) => ({
        ...part,
        currency: order.currency,
        shippedAt: part.shippedAt === null ? null : new Date(part.shippedAt),
        deliveredAt: part.deliveredAt === null ? null : new Date(part.deliveredAt),
        createdAt: new Date(part.createdAt),
      })),
      lines: lines.map((line) => ({ ...line, currency: order.currency })),
    }));
  };

  const linesOfVendorOrder = async (tx: SqlClient, vendorOrderId: string, currency: string): Promise<OrderLine[]> => {
    const rows = await tx.$queryRaw<LineRow[]>`
      SELECT id::text, order_id::text AS "orderId", vendor_order_id::text AS "vendorOrderId", position, variant_id::text AS "variantId",
             product_id::text AS "productId", sku, product_name AS "productName", variant_title AS "variantTitle", quantity,
             unit_price AS "unitPrice", line_total AS "lineTotal"
      FROM order_lines WHERE vendor_order_id = ${vendorOrderId}::uuid ORDER BY position`;
    return rows.map((row) => ({ ...row, currency }));
  };

  const filterSql = (filter: OrderListFilter, values: unknown[]): string => {
    const where: string[] = ['TRUE'];
    const bind = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (filter.customerId) where.push(`o.customer_id = ${bind(filter.customerId)}::uuid`);
    if (filter.status) where.push(`o.status = ${bind(filter.status)}::"OrderStatus"`);
    if (filter.vendorId) where.push(`EXISTS (SELECT 1 FROM vendor_orders v WHERE v.order_id = o.id AND v.vendor_id = ${bind(filter.vendorId)}::uuid)`);
    if (filter.placedFrom) where.push(`o.placed_at >= ${bind(filter.placedFrom)}`);
    if (filter.placedTo) where.push(`o.placed_at < ${bind(filter.placedTo)}`);
    return where.join(' AND ');
  };

  // The handlers of one inbox batch share its transaction and each lock their order at once: locks
  // asked on one transaction in the same turn of the event loop are one statement, not one each.
  // Rows are locked in id order, so two batches never take the same orders in opposite orders.
  const lockWithOthers = gatheredPerTransaction(async (tx, orderIds: readonly string[]) => {
    const ids = [...new Set(orderIds.map((id) => id.toLowerCase()))];
    const aggregates = await selectAggregates(tx, 'o.id = ANY($1::uuid[])', [ids], 'ORDER BY o.id FOR UPDATE OF o');
    const byId = new Map(aggregates.map((aggregate) => [aggregate.order.id, aggregate]));
    return orderIds.map((id) => byId.get(id.toLowerCase()) ?? null);
  });

  // The moves, history rows, vendor orders and outbox rows of many changes in one statement (one
  // round trip of the inbox transaction for a whole batch of replies), each only if its order was
  // still in its `from`. A step inside one status (capture requested) updates the row to the status
  // it had, so `moved` holds it and its messages go out too. Values travel as parallel arrays.
  const applyAll = async (tx: SqlClient, changes: readonly OrderChange[]): Promise<Set<string>> => {
    const orders = {
      ids: [] as string[], froms: [] as string[], tos: [] as string[], reasons: [] as string[], cancelReasons: [] as (string | null)[],
      paymentIds: [] as (string | null)[], captureRequested: [] as boolean[], confirmed: [] as boolean[], deadlines: [] as (string | null)[],
      historyIds: [] as (string | null)[], partsTo: [] as (string | null)[], partsFrom: [] as string[],
    };
    const owners: string[] = [];
    const messages: OutboxEntry[] = [];
    for (const change of changes) {
      const to = change.to ?? change.from;
      orders.ids.push(change.orderId.toLowerCase());
      orders.froms.push(change.from);
      orders.tos.push(to);
      orders.reasons.push(change.reason);
      orders.cancelReasons.push(change.cancelReason ?? null);
      orders.paymentIds.push(change.paymentId ?? null);
      orders.captureRequested.push(change.captureRequested ?? false);
      orders.confirmed.push(change.confirmed ?? false);
      orders.deadlines.push(change.stepDeadline?.toISOString() ?? null);
      orders.historyIds.push(change.to !== null && change.to !== change.from ? randomUUID() : null);
      orders.partsTo.push(change.vendorOrders?.to ?? null);
      orders.partsFrom.push((change.vendorOrders?.from ?? []).join(','));
      for (const message of change.messages) {
        owners.push(change.orderId.toLowerCase());
        messages.push(message);
      }
    }
    // Checked against their contracts before the statement: a bad payload writes nothing.
    const outbox = outboxRows(messages);
    const rows = await tx.$queryRaw<{ id: string }[]>`
      WITH change AS (
        SELECT * FROM unnest(
          ${orders.ids}::uuid[], ${orders.froms}::text[], ${orders.tos}::text[], ${orders.reasons}::text[], ${orders.cancelReasons}::text[],
          ${orders.paymentIds}::uuid[], ${orders.captureRequested}::boolean[], ${orders.confirmed}::boolean[], ${orders.deadlines}::timestamptz[],
          ${orders.historyIds}::uuid[], ${orders.partsTo}::text[], ${orders.partsFrom}::text[]
        ) AS c(id, from_status, to_status, reason, cancel_reason, payment_id, capture_requested, confirmed, step_deadline, history_id, parts_to, parts_from)
      ), moved AS (
        UPDATE orders o SET
          status = c.to_status::"OrderStatus",
          cancel_reason = COALESCE(c.cancel_reason, o.cancel_reason),
          payment_id = COALESCE(c.payment_id, o.payment_id),
          capture_requested_at = CASE WHEN c.capture_requested THEN COALESCE(o.capture_requested_at, clock_timestamp()) ELSE o.capture_requested_at END,
          confirmed_at = CASE WHEN c.confirmed THEN clock_timestamp() ELSE o.confirmed_at END,
          step_deadline = c.step_deadline,
          updated_at = clock_timestamp()
        FROM change c
        WHERE o.id = c.id AND o.status = c.from_status::"OrderStatus"
        RETURNING o.id
      ), history AS (
        INSERT INTO order_status_history (id, order_id, from_status, to_status, reason, at)
        SELECT c.history_id, c.id, c.from_status::"OrderStatus", c.to_status::"OrderStatus", c.reason, clock_timestamp()
        FROM change c JOIN moved m ON m.id = c.id WHERE c.history_id IS NOT NULL
      ), parts AS (
        UPDATE vendor_orders v SET status = c.parts_to::"VendorOrderStatus", updated_at = clock_timestamp()
        FROM change c JOIN moved m ON m.id = c.id
        WHERE c.parts_to IS NOT NULL AND v.order_id = c.id AND v.status::text = ANY(string_to_array(c.parts_from, ','))
      ), outbox AS (
        INSERT INTO outbox_message (id, type, version, payload, correlation_id, occurred_at)
        SELECT t.id, t.type, t.version, t.payload, t.correlation_id, ${outbox.occurredAt}::timestamptz
        FROM unnest(${owners}::uuid[], ${outbox.ids}::uuid[], ${outbox.types}::text[], ${outbox.versions}::int[], ${outbox.payloads}::jsonb[], ${outbox.correlationIds}::text[])
          AS t(owner, id, type, version, payload, correlation_id)
        JOIN moved m ON m.id = t.owner
      )
      SELECT id::text FROM moved`;
    return new Set(rows.map((row) => row.id));
  };

  // Like the locks: the changes an inbox batch's handlers apply on one transaction in the same tick
  // go as one statement. Two changes of one order never share it (one UPDATE cannot move a row
  // twice): the second goes in the next statement, as it would have one statement after another.
  const applyWithOthers = gatheredPerTransaction(async (tx, changes: readonly OrderChange[]) => {
    const applied: boolean[] = [];
    let rest = changes.map((change, index) => ({ change, index }));
    while (rest.length > 0) {
      const orders = new Set<string>();
      const now: typeof rest = [];
      const later: typeof rest = [];
      for (const item of rest) {
        const id = item.change.orderId.toLowerCase();
        (orders.has(id) ? later : now).push(item);
        orders.add(id);
      }
      const moved = await applyAll(tx, now.map((item) => item.change));
      for (const item of now) applied[item.index] = moved.has(item.change.orderId.toLowerCase());
      rest = later;
    }
    return applied;
  });

  const nextOrderNumber = sequenceInBlocks(db, ORDER_NUMBER_BLOCK);

  const lock = async (tx: SqlClient, orderId: string, options: { skipLocked?: boolean } = {}) => {
    if (!options.skipLocked) return lockWithOthers(tx, orderId);
    const [aggregate] = await selectAggregates(tx, 'o.id = $1::uuid', [orderId], 'FOR UPDATE OF o SKIP LOCKED');
    return aggregate ?? null;
  };

  return {
    async place(order, messages) {
      // The number first, outside the insert: every message of the order carries it, and they are
      // checked against their contracts in TS before the one statement below writes them.
      const number = orderNumber(await nextOrderNumber());
      const id = randomUUID();
      const { draft } = order;
      const totals = draft.totals;
      // The aggregate as it will be stored, so its messages and the answer need no read back. Its
      // timestamps are the database's, filled in from RETURNING; the messages carry none.
      const provisional = new Date();
      const vendorOrders: VendorOrder[] = totals.vendors.map((part, index) => ({
        id: randomUUID(),
        orderId: id,
        vendorId: part.vendorId,
        number: vendorOrderNumber(number, index + 1),
        position: index + 1,
        status: 'PENDING',
        currency: draft.currency,
        subtotal: part.subtotal,
        shipping: part.shipping,
        tax: part.tax,
        total: part.total,
        carrier: null,
        trackingNumber: null,
        shippedAt: null,
        deliveredAt: null,
        createdAt: provisional,
      }));
      const vendorOrderIds = new Map(vendorOrders.map((part) => [part.vendorId, part.id]));
      const lines: OrderLine[] = draft.lines.map((line, index) => ({
        id: randomUUID(),
        orderId: id,
        vendorOrderId: vendorOrderIds.get(line.vendorId)!,
        position: index + 1,
        variantId: line.variantId,
        productId: line.productId,
        sku: line.sku,
        productName: line.productName,
        variantTitle: line.variantTitle,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        lineTotal: line.lineTotal,
        currency: draft.currency,
      }));
      const placed: OrderAggregate = {
        order: {
          id,
          number,
          customerId: order.customerId,
          cartId: order.cartId,
          status: 'PENDING',
          currency: draft.currency,
          subtotal: totals.subtotal,
          shipping: totals.shipping,
          tax: totals.tax,
          total: totals.total,
          taxRateBp: totals.taxRateBp,
          shippingAddress: order.shippingAddress,
          cancelReason: null,
          paymentMethodToken: order.paymentMethodToken,
          idempotencyKey: order.idempotencyKey,
          requestHash: order.requestHash,
          correlationId: order.correlationId,
          paymentId: null,
          captureRequestedAt: null,
          stepDeadline: order.stepDeadline,
          placedAt: provisional,
          confirmedAt: null,
          updatedAt: provisional,
        },
        vendorOrders,
        lines,
      };
      const outbox = outboxRows(messages(placed));
      const vendorOrderRows = vendorOrders.map(({ id: vendorOrderId, vendorId, number: vendorNumber, position, subtotal, shipping, tax, total }) => ({
        id: vendorOrderId,
        vendor_id: vendorId,
        number: vendorNumber,
        position,
        subtotal,
        shipping,
        tax,
        total,
      }));
      const lineRows = lines.map((line) => ({
        id: line.id,
        vendor_order_id: line.vendorOrderId,
        position: line.position,
        variant_id: line.variantId,
        product_id: line.productId,
        sku: line.sku,
        product_name: line.productName,
        variant_title: line.variantTitle,
        quantity: line.quantity,
        unit_price: line.unitPrice,
        line_total: line.lineTotal,
      }));
      // Everything in one statement, so atomic without a transaction: the order, its vendor orders,
      // lines, first history row and outbox rows. The idempotency claim is the order row itself
      // (ON CONFLICT DO NOTHING): a twin waits on the unique index until this commits, then
      // inserts no order, and every other part reads `placed`, so it writes nothing at all.
      // Foreign keys are checked at the end of the statement, after every part is in.
      const [row] = await db.$queryRaw<{ placedAt: Date; updatedAt: Date; historyAt: Date; created: { id: string; createdAt: string }[] }[]>`
        WITH placed AS (
          INSERT INTO orders (id, number, customer_id, cart_id, status, currency, subtotal, shipping, tax, total, tax_rate_bp, shipping_address,
                              payment_method_token, idempotency_key, request_hash, correlation_id, step_deadline, placed_at, updated_at)
          VALUES (${id}::uuid, ${number}, ${order.customerId}::uuid, ${order.cartId}::uuid, 'PENDING', ${draft.currency}, ${totals.subtotal},
                  ${totals.shipping}, ${totals.tax}, ${totals.total}, ${totals.taxRateBp}, ${JSON.stringify(order.shippingAddress)}::jsonb,
                  ${order.paymentMethodToken}, ${order.idempotencyKey}, ${order.requestHash}, ${order.correlationId}, ${order.stepDeadline},
                  clock_timestamp(), clock_timestamp())
          ON CONFLICT (customer_id, idempotency_key) DO NOTHING
          RETURNING id, placed_at, updated_at
        ), parts AS (
          INSERT INTO vendor_orders (id, order_id, vendor_id, number, position, status, subtotal, shipping, tax, total, created_at, updated_at)
          SELECT v.id, placed.id, v.vendor_id, v.number, v.position, 'PENDING'::"VendorOrderStatus", v.subtotal, v.shipping, v.tax, v.total, clock_timestamp(), clock_timestamp()
          FROM placed, jsonb_to_recordset(${JSON.stringify(vendorOrderRows)}::jsonb)
            AS v(id uuid, vendor_id uuid, number text, position int, subtotal int, shipping int, tax int, total int)
          RETURNING id, created_at
        ), lines AS (
          INSERT INTO order_lines (id, order_id, vendor_order_id, position, variant_id, product_id, sku, product_name, variant_title, quantity, unit_price, line_total)
          SELECT r.id, placed.id, r.vendor_order_id, r.position, r.variant_id, r.product_id, r.sku, r.product_name, r.variant_title, r.quantity, r.unit_price, r.line_total
          FROM placed, jsonb_to_recordset(${JSON.stringify(lineRows)}::jsonb) AS r(id uuid, vendor_order_id uuid, position int, variant_id uuid, product_id uuid, sku text,
                                                                              product_name text, variant_title text, quantity int, unit_price int, line_total int)
        ), history AS (
          INSERT INTO order_status_history (id, order_id, from_status, to_status, reason, at)
          SELECT ${randomUUID()}::uuid, placed.id, NULL, 'PENDING'::"OrderStatus", 'placed', clock_timestamp()
          FROM placed
          RETURNING at
        ), outbox AS (
          INSERT INTO outbox_message (id, type, version, payload, correlation_id, occurred_at)
          SELECT t.id, t.type, t.version, t.payload, t.correlation_id, ${outbox.occurredAt}::timestamptz
          FROM placed, unnest(${outbox.ids}::uuid[], ${outbox.types}::text[], ${outbox.versions}::int[], ${outbox.payloads}::jsonb[], ${outbox.correlationIds}::text[])
            AS t(id, type, version, payload, correlation_id)
        )
        SELECT placed.placed_at AS "placedAt", placed.updated_at AS "updatedAt", (SELECT at FROM history) AS "historyAt",
               (SELECT coalesce(json_agg(json_build_object('id', parts.id::text, 'createdAt', parts.created_at)), '[]'::json) FROM parts) AS created
        FROM placed`;
      if (!row) return fail('KEY_TAKEN' as const);
      const createdAt = new Map(row.created.map((part) => [part.id, new Date(part.createdAt)]));
      return ok({
        placed: {
          order: { ...placed.order, placedAt: row.placedAt, updatedAt: row.updatedAt },
          vendorOrders: vendorOrders.map((part) => ({ ...part, createdAt: createdAt.get(part.id) ?? part.createdAt })),
          lines,
        },
        history: [{ from: null, to: 'PENDING', reason: 'placed', at: row.historyAt }],
      });
    },

    async byIdempotencyKey(customerId, key) {
      const [aggregate] = await selectAggregates(db, 'o.customer_id = $1::uuid AND o.idempotency_key = $2', [customerId, key]);
      return aggregate ?? null;
    },

    async byId(id) {
      const [aggregate] = await selectAggregates(db, 'o.id = $1::uuid', [id]);
      return aggregate ?? null;
    },

    async history(orderId) {
      return db.$queryRaw<OrderStatusChange[]>`
        SELECT from_status::text AS "from", to_status::text AS "to", reason, at
        FROM order_status_history WHERE order_id = ${orderId}::uuid ORDER BY at, id`;
    },

    async list(filter, limit, after) {
      const values: unknown[] = [];
      let where = filterSql(filter, values);
      if (after) {
        values.push(after.at, after.id);
        where += ` AND (o.placed_at, o.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`;
      }
      values.push(limit + 1);
      return selectAggregates(db, where, values, `ORDER BY o.placed_at DESC, o.id DESC LIMIT $${values.length}`);
    },

    async count(filter) {
      const values: unknown[] = [];
      const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM orders o WHERE ${filterSql(filter, values)}`, ...values);
      return Number(row?.n ?? 0);
    },

    async vendorOrders(vendorId, status, limit, after) {
      const afterAt = after?.at ?? null;
      const afterId = after?.id ?? null;
      const rows = await db.$queryRaw<(VendorOrderRow & { currency: string })[]>`
        SELECT v.id::text, v.order_id::text AS "orderId", v.vendor_id::text AS "vendorId", v.number, v.position, v.status::text AS status,
               v.subtotal, v.shipping, v.tax, v.total, v.carrier, v.tracking_number AS "trackingNumber", v.shipped_at AS "shippedAt",
               v.delivered_at AS "deliveredAt", v.created_at AS "createdAt", o.currency
        FROM vendor_orders v JOIN orders o ON o.id = v.order_id
        WHERE v.vendor_id = ${vendorId}::uuid
          AND (${status}::text IS NULL OR v.status = ${status}::"VendorOrderStatus")
          AND (${afterAt}::timestamptz IS NULL OR (v.created_at, v.id) < (${afterAt}::timestamptz, ${afterId}::uuid))
        ORDER BY v.created_at DESC, v.id DESC
        LIMIT ${limit + 1}`;
      return rows;
    },

    async countVendorOrders(vendorId, status) {
      const [row] = await db.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM vendor_orders WHERE vendor_id = ${vendorId}::uuid AND (${status}::text IS NULL OR status = ${status}::"VendorOrderStatus")`;
      return Number(row?.n ?? 0);
    },

    async linesOfVendorOrder(vendorOrderId) {
      const [order] = await db.$queryRaw<{ currency: string }[]>`
        SELECT o.currency FROM orders o JOIN vendor_orders v ON v.order_id = o.id WHERE v.id = ${vendorOrderId}::uuid`;
      return linesOfVendorOrder(db, vendorOrderId, order?.currency ?? 'XXX');
    },

    async stats(from, to, vendorLimit) {
      const [days, vendors] = await Promise.all([
        db.$queryRaw<{ day: string; currency: string; orders: bigint; revenue: bigint }[]>`
          SELECT to_char(date_trunc('day', confirmed_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, currency, count(*) AS orders, sum(total) AS revenue
          FROM orders
          WHERE confirmed_at >= ${from} AND confirmed_at < ${to} AND status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED')
          GROUP BY 1, 2 ORDER BY 1, 2`,
        db.$queryRaw<{ vendorId: string; currency: string; orders: bigint; revenue: bigint }[]>`
          SELECT v.vendor_id::text AS "vendorId", o.currency, count(*) AS orders, sum(v.total) AS revenue
          FROM vendor_orders v JOIN orders o ON o.id = v.order_id
          WHERE o.confirmed_at >= ${from} AND o.confirmed_at < ${to} AND o.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED')
          GROUP BY 1, 2 ORDER BY sum(v.total) DESC, 1, 2 LIMIT ${vendorLimit}`,
      ]);
      return {
        days: days.map((row) => ({ day: row.day, currency: row.currency, orders: Number(row.orders), revenue: Number(row.revenue) })),
        vendors: vendors.map((row) => ({ vendorId: row.vendorId, currency: row.currency, orders: Number(row.orders), revenue: Number(row.revenue) })),
      };
    },

    async overdue(now, limit) {
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM orders WHERE step_deadline IS NOT NULL AND step_deadline <= ${now} ORDER BY step_deadline LIMIT ${limit}`;
      return rows.map((row) => row.id);
    },

    lock,

    apply: (tx, change) => applyWithOthers(tx, change),

    async orderIdOfVendorOrder(vendorOrderId, vendorId) {
      const [row] = await db.$queryRaw<{ orderId: string }[]>`
        SELECT order_id::text AS "orderId" FROM vendor_orders WHERE id = ${vendorOrderId}::uuid AND vendor_id = ${vendorId}::uuid`;
      return row?.orderId ?? null;
    },

    async shipVendorOrder(tx, vendorOrderId, shipment) {
      const updated = await tx.$executeRaw`
        UPDATE vendor_orders SET status = 'SHIPPED', carrier = ${shipment.carrier}, tracking_number = ${shipment.trackingNumber},
               shipped_at = clock_timestamp(), updated_at = clock_timestamp()
        WHERE id = ${vendorOrderId}::uuid AND status = 'CONFIRMED'`;
      return updated > 0;
    },

    async deliverVendorOrder(tx, vendorOrderId) {
      const updated = await tx.$executeRaw`
        UPDATE vendor_orders SET status = 'DELIVERED', delivered_at = clock_timestamp(), updated_at = clock_timestamp()
        WHERE id = ${vendorOrderId}::uuid AND status = 'SHIPPED'`;
      return updated > 0;
    },

    async send(tx, messages) {
      await writeOutboxEntries(tx, messages);
    },

    transaction: (fn) => db.$transaction((tx) => fn(tx), ORDER_TRANSACTION),
  };
}
