import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { fail, invalidArgument, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { OutboxEntry } from '../../../platform/messaging/outbox.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import { textError } from '../../../platform/validation/text.ts';
import { asAdmin, asCanceller, asCustomer, asVendor, orderVisibility } from '../domain/access.ts';
import { OrderErrorCodes } from '../domain/error-codes.ts';
import { viewOrder, type OrderView } from '../domain/order-view.ts';
import { CANCELLABLE, orderStatusFromParts, vendorOrderDelivery, type OrderStatus, type VendorOrderStatus } from '../domain/order.process.ts';
import { draftOrder, MAX_ORDER_LINES, validatePlaceOrder, type OrderDraft, type OrderLine, type OrderStatusChange, type PlaceOrderInput, type PlaceOrderRequest, type VendorOrder } from '../domain/order.ts';
import type { TaxRates } from '../domain/totals.ts';
import type { OrderAggregate, OrderListFilter, OrderRepository, TimeCursor } from '../infra/order.repository.ts';
import type { CheckoutSaga } from './checkout-saga.ts';
import type { Clock } from './clock.ts';
import { InternalReadError } from '../../../platform/http/internal-read.ts';
import type { CartPort, CatalogPort } from './ports.ts';
import type { SagaMessages } from './saga-messages.ts';
import type { OrdersScope } from './scope.ts';

export type OrderConnection = Connection<OrderView>;
export type VendorOrderConnection = Connection<VendorOrder>;

/** The longest window orderStats reads at once (its per-day list stays bounded). */
export const MAX_STATS_DAYS = 366;
/** The most vendors orderStats lists (the top ones by revenue). */
export const MAX_STATS_VENDORS = 100;

export interface OrderStats {
  days: { day: string; ordersCount: number; revenue: { amount: number; currency: string } }[];
  vendors: { vendorId: string; ordersCount: number; revenue: { amount: number; currency: string } }[];
}

export interface OrderService {
  /** Customers only (thrown otherwise); every expected refusal is a userError and writes nothing. */
  place(scope: OrdersScope, input: PlaceOrderInput): Promise<Result<OrderView>>;
  /** The customer who placed it, before any part shipped; a cancelled order is returned as it is. */
  cancel(scope: OrdersScope, input: { orderId: string; idempotencyKey: string }): Promise<Result<OrderView>>;
  /** The vendor of that vendor order only; another vendor's is not found. */
  markShipped(scope: OrdersScope, input: { vendorOrderId: string; carrier: string; trackingNumber: string }): Promise<Result<VendorOrder>>;
  /** The vendor of that vendor order only (another vendor's is not found), once shipped; a delivered one is returned as it is. */
  markDelivered(scope: OrdersScope, input: { vendorOrderId: string }): Promise<Result<VendorOrder>>;
  /** Null when there is none the caller may see. */
  order(scope: OrdersScope, id: string): Promise<OrderView | null>;
  history(scope: OrdersScope, orderId: string): Promise<OrderStatusChange[]>;
  vendorOrderLines(scope: OrdersScope, vendorOrderId: string): Promise<OrderLine[]>;
  myOrders(scope: OrdersScope, args: ConnectionArgs): Promise<OrderConnection>;
  vendorOrders(scope: OrdersScope, args: ConnectionArgs & { status?: VendorOrderStatus | null }): Promise<VendorOrderConnection>;
  orders(scope: OrdersScope, args: ConnectionArgs & { filter?: { status?: OrderStatus | null; vendorId?: string | null; placedFrom?: Date | null; placedTo?: Date | null } | null }): Promise<OrderConnection>;
  stats(scope: OrdersScope, args: { from: Date; to: Date }): Promise<OrderStats>;
}

export interface OrderServiceDeps {
  orders: OrderRepository;
  cart: CartPort;
  catalog: CatalogPort;
  saga: CheckoutSaga;
  messages: SagaMessages;
  clock: Clock;
  stepTimeoutMs: number;
  shippingFlatFee: number;
  taxRates: TaxRates;
  /** After a commit that wrote outbox rows (the relay's nudge). */
  onSent?: () => void;
}

/** Whether a part moves now, or is already where this request would put it (a retry: nothing is written). */
type VendorOrderMoveDecision = 'MOVE' | 'UNCHANGED';

/** One way a vendor moves its own part: what moveVendorOrder needs to know about it. */
interface VendorOrderMove {
  /** From the part as locked: move it, leave it (a retry), or refuse (a userError). */
  decide(part: VendorOrder): Result<VendorOrderMoveDecision>;
  /** The part as the move leaves it (its event and its order's next status are computed from it). */
  moved(part: VendorOrder): VendorOrder;
  /** Writes the part's move, in the transaction that holds its order's lock. */
  write(tx: SqlClient, vendorOrderId: string): Promise<unknown>;
  /** The part's own event. */
  event(aggregate: OrderAggregate, part: VendorOrder, correlationId: string): OutboxEntry;
  /** The history reason when the order moves with this part (it was the last). */
  orderReason: string;
  /** The log line once the move is committed. */
  logged: string;
}

const cursorSchema = z.object({ at: z.string().datetime(), id: z.string().uuid() });
const SHIPMENT_TEXT = /^[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,100}$/;

/** What makes two placeOrder requests "the same" under one key: the validated input, not the cart's content at the time. */
function requestHash(request: PlaceOrderRequest): string {
  const { idempotencyKey: _key, taxRateBp: _rate, ...rest } = request;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

const keyReused = () =>
  fail(userError(OrderErrorCodes.ORDER_IDEMPOTENCY_KEY_REUSED, 'This idempotency key was already used for a different order.', ['input', 'idempotencyKey']));

const notFound = (field: string[]) => fail(userError(OrderErrorCodes.ORDER_NOT_FOUND, 'No such order.', field));

const whole = (aggregate: OrderAggregate) => viewOrder({ kind: 'ALL' }, aggregate);

export function createOrderService(deps: OrderServiceDeps): OrderService {
  const component = (scope: OrdersScope) => scope.logger.child({ component: 'OrderService' });

  /** The first order placed under a key, as it is now, if this request is the one it was placed with. */
  const replay = (existing: OrderAggregate, hash: string): Result<OrderView> => (existing.order.requestHash === hash ? ok(whole(existing)) : keyReused());

  const connection = (rows: OrderAggregate[], page: { limit: number; after: TimeCursor | null }, total: number): OrderConnection =>
    toConnection(rows.map(whole), page, total, (view) => ({ at: view.order.placedAt.toISOString(), id: view.order.id }));

  /** The order as drafted from the cart and a fresh catalog read; every refusal is a userError. */
  const draftFor = async (scope: OrdersScope, customerId: string, request: PlaceOrderRequest): Promise<Result<OrderDraft>> => {
    const read = { requestId: scope.requestId, signal: scope.signal };
    try {
      const cart = await deps.cart.checkoutCart({ cartId: request.cartId, customerId }, read);
      if (!cart || cart.customerId.toLowerCase() !== customerId) {
        return fail(userError(OrderErrorCodes.ORDER_CART_NOT_FOUND, 'No such cart.', ['input', 'cartId']));
      }
      const variantIds = [...new Set(cart.lines.map((line) => line.variantId.toLowerCase()))];
      // Names, prices and vendors fresh from their owner, in this request: never the cart's copy.
      // Empty or too long, draftOrder refuses it without catalog (which reads 100 ids at most).
      const variants = variantIds.length > 0 && variantIds.length <= MAX_ORDER_LINES ? await deps.catalog.variants(variantIds, read) : [];
      return draftOrder(cart, variants, deps.shippingFlatFee, request.taxRateBp);
    } catch (error) {
      if (!(error instanceof InternalReadError)) throw error;
      component(scope).warn({ code: error.code, err: error.message }, 'checkout read failed; nothing written');
      return fail(userError(OrderErrorCodes.ORDER_CHECKOUT_UNAVAILABLE, 'Checkout is unavailable right now; please try again in a moment.'));
    }
  };

  /**
   * A vendor moving its own part (shipping it, marking it delivered): another vendor's part is not
   * found, like one that does not exist. In one transaction: the part's move, its event, and the
   * order following its parts (its history row and order.status_changed) when this was the last.
   */
  const moveVendorOrder = async (scope: OrdersScope, vendorId: string, rawVendorOrderId: string, move: VendorOrderMove): Promise<Result<VendorOrder>> => {
    const vendorOrderId = rawVendorOrderId.toLowerCase();
    const missing = () => fail(userError(OrderErrorCodes.VENDOR_ORDER_NOT_FOUND, 'No such vendor order.', ['input', 'vendorOrderId']));
    const orderId = isUuid(vendorOrderId) ? await deps.orders.orderIdOfVendorOrder(vendorOrderId, vendorId) : null;
    if (!orderId) return missing();
    const outcome = await deps.orders.transaction(async (tx): Promise<Result<VendorOrderMoveDecision>> => {
      // The order row first, as every saga step locks it: vendor orders never lock in another order.
      const aggregate = await deps.orders.lock(tx, orderId);
      const part = aggregate?.vendorOrders.find((candidate) => candidate.id === vendorOrderId);
      if (!aggregate || !part) return missing();
      const decision = move.decide(part);
      if (!decision.ok || decision.value === 'UNCHANGED') return decision;
      await move.write(tx, vendorOrderId);
      const movedPart = move.moved(part);
      const after = { ...aggregate, vendorOrders: aggregate.vendorOrders.map((candidate) => (candidate.id === vendorOrderId ? movedPart : candidate)) };
      await deps.orders.send(tx, [move.event(after, movedPart, scope.requestId)]);
      const next = orderStatusFromParts(aggregate.order.status, after.vendorOrders.map((candidate) => candidate.status));
      if (next !== aggregate.order.status) {
        await deps.orders.apply(tx, {
          orderId,
          from: aggregate.order.status,
          to: next,
          reason: move.orderReason,
          stepDeadline: null,
          messages: [deps.messages.statusChanged(after, aggregate.order.status, next, scope.requestId)],
        });
      }
      return ok('MOVE');
    });
    if (!outcome.ok) return outcome;
    if (outcome.value === 'MOVE') {
      deps.onSent?.();
      component(scope).info({ vendorOrderId, orderId }, move.logged);
    }
    const aggregate = await deps.orders.byId(orderId);
    const part = aggregate?.vendorOrders.find((candidate) => candidate.id === vendorOrderId);
    return part ? ok(part) : missing();
  };

  return {
    async place(scope, input) {
      const customer = valueOrThrow(asCustomer(scope.viewer));
      const valid = validatePlaceOrder(input, deps.taxRates);
      if (!valid.ok) return valid;
      const request = valid.value;
      const hash = requestHash(request);
      // The key is not looked up first: almost every request brings a new one, and the insert's
      // claim on it finds a used one anyway. A request refused on the way (its cart emptied by the
      // first order, a read failing) looks it up then, so a key already used still answers as
      // its first request did, or ORDER_IDEMPOTENCY_KEY_REUSED, whatever the cart holds now.
      const draft = await draftFor(scope, customer.userId, request);
      if (!draft.ok) {
        const existing = await deps.orders.byIdempotencyKey(customer.userId, request.idempotencyKey);
        return existing ? replay(existing, hash) : draft;
      }

      const placed = await deps.orders.place(
        {
          customerId: customer.userId,
          cartId: request.cartId,
          shippingAddress: request.shippingAddress,
          paymentMethodToken: request.paymentMethodToken,
          idempotencyKey: request.idempotencyKey,
          requestHash: hash,
          correlationId: scope.requestId,
          draft: draft.value,
          stepDeadline: new Date(deps.clock().getTime() + deps.stepTimeoutMs),
        },
        (order) => [
          deps.messages.placed(order, scope.requestId),
          deps.messages.command(order, 'inventory.reserve', scope.requestId, `order ${order.order.number}`),
          deps.messages.statusChanged(order, null, 'PENDING', scope.requestId),
        ],
      );
      if (!placed.ok) {
        // The key was used before, or by a twin request that won the race: answer as it did.
        const winner = await deps.orders.byIdempotencyKey(customer.userId, request.idempotencyKey);
        return winner ? replay(winner, hash) : keyReused();
      }
      deps.onSent?.();
      const { order } = placed.value.placed;
      component(scope).info({ orderId: order.id, number: order.number, total: order.total }, 'order placed');
      return ok({ ...whole(placed.value.placed), history: placed.value.history });
    },

    async cancel(scope, input) {
      const caller = valueOrThrow(asCanceller(scope.viewer));
      const byAdmin = caller.role === 'ADMIN';
      const errors: UserError[] = [];
      if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'The idempotency key must be 8 to 100 visible ASCII characters.', ['input', 'idempotencyKey']));
      if (errors.length > 0) return fail(...errors);
      const orderId = input.orderId.toLowerCase();
      if (!isUuid(orderId)) return notFound(['input', 'orderId']);
      const outcome = await deps.orders.transaction(async (tx): Promise<Result<'cancelled' | 'unchanged'>> => {
        const aggregate = await deps.orders.lock(tx, orderId);
        if (!aggregate || (!byAdmin && aggregate.order.customerId !== caller.userId)) return notFound(['input', 'orderId']);
        const { order } = aggregate;
        // A retried cancel (same key or not) finds its order cancelled: nothing more to do.
        if (order.status === 'CANCELLED' || order.status === 'REFUNDED') return ok('unchanged');
        const shipped = aggregate.vendorOrders.some((part) => part.status === 'SHIPPED' || part.status === 'DELIVERED');
        if (!CANCELLABLE.includes(order.status) || shipped) {
          return fail(userError(OrderErrorCodes.ORDER_NOT_CANCELLABLE, 'This order has shipped and can no longer be cancelled.', ['input', 'orderId']));
        }
        // Both compensations, whatever the step: each is idempotent and a no-op where nothing is held.
        await deps.saga.cancel(tx, aggregate, byAdmin ? 'CANCELLED_BY_ADMIN' : 'CANCELLED_BY_CUSTOMER', ['inventory.release', 'payments.cancel'], scope.requestId);
        return ok('cancelled');
      });
      if (!outcome.ok) return outcome;
      if (outcome.value === 'cancelled') {
        deps.onSent?.();
        component(scope).info({ orderId, by: caller.role, userId: caller.userId }, byAdmin ? 'order cancelled by an admin' : 'order cancelled by its customer');
      }
      const aggregate = await deps.orders.byId(orderId);
      return aggregate ? ok(whole(aggregate)) : notFound(['input', 'orderId']);
    },

    async markShipped(scope, input) {
      const vendor = valueOrThrow(asVendor(scope.viewer));
      const errors: UserError[] = [];
      const carrier = input.carrier.trim();
      const trackingNumber = input.trackingNumber.trim();
      if (!SHIPMENT_TEXT.test(carrier)) errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'The carrier must be 1 to 100 printable characters.', ['input', 'carrier']));
      else {
        const problem = textError(carrier, 'line', ['input', 'carrier'], 'The carrier');
        if (problem) errors.push(problem);
      }
      if (!SHIPMENT_TEXT.test(trackingNumber)) errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'The tracking number must be 1 to 100 printable characters.', ['input', 'trackingNumber']));
      if (errors.length > 0) return fail(...errors);
      return moveVendorOrder(scope, vendor.vendorId, input.vendorOrderId, {
        decide(part) {
          // The same shipment again is a retry; another one for a shipped part is refused below.
          if (part.status === 'SHIPPED' && part.carrier === carrier && part.trackingNumber === trackingNumber) return ok('UNCHANGED');
          if (part.status !== 'CONFIRMED') {
            return fail(userError(OrderErrorCodes.VENDOR_ORDER_NOT_SHIPPABLE, `This vendor order is ${part.status.toLowerCase()}; only a confirmed one can be shipped.`, ['input', 'vendorOrderId']));
          }
          return ok('MOVE');
        },
        moved: (part) => ({ ...part, status: 'SHIPPED', carrier, trackingNumber }),
        write: (tx, vendorOrderId) => deps.orders.shipVendorOrder(tx, vendorOrderId, { carrier, trackingNumber }),
        event: deps.messages.shipped,
        orderReason: 'every vendor order shipped',
        logged: 'vendor order shipped',
      });
    },

    async markDelivered(scope, input) {
      const vendor = valueOrThrow(asVendor(scope.viewer));
      return moveVendorOrder(scope, vendor.vendorId, input.vendorOrderId, {
        decide(part) {
          const delivery = vendorOrderDelivery(part.status);
          if (!delivery.ok) return delivery;
          return ok(delivery.value === 'DELIVER' ? 'MOVE' : 'UNCHANGED');
        },
        moved: (part) => ({ ...part, status: 'DELIVERED' }),
        write: (tx, vendorOrderId) => deps.orders.deliverVendorOrder(tx, vendorOrderId),
        event: deps.messages.delivered,
        orderReason: 'every vendor order delivered',
        logged: 'vendor order delivered',
      });
    },

    async order(scope, id) {
      const orderId = id.toLowerCase();
      if (!isUuid(orderId) || !scope.viewer) return null;
      const aggregate = await deps.orders.byId(orderId);
      if (!aggregate) return null;
      const visibility = orderVisibility(scope.viewer, aggregate.order, aggregate.vendorOrders.map((part) => part.vendorId));
      return visibility.kind === 'NONE' ? null : viewOrder(visibility, aggregate);
    },

    // Callers reach these only through an order or vendor order they were allowed to read.
    history: (_scope, orderId) => deps.orders.history(orderId),
    vendorOrderLines: (_scope, vendorOrderId) => deps.orders.linesOfVendorOrder(vendorOrderId),

    async myOrders(scope, args) {
      const customer = valueOrThrow(asCustomer(scope.viewer));
      const page = valueOrThrow(pageRequest(args, cursorSchema));
      scope.signal.throwIfAborted();
      const filter: OrderListFilter = { customerId: customer.userId };
      const [rows, total] = await Promise.all([deps.orders.list(filter, page.limit, page.after), deps.orders.count(filter)]);
      return connection(rows, page, total);
    },

    async vendorOrders(scope, args) {
      const vendor = valueOrThrow(asVendor(scope.viewer));
      const page = valueOrThrow(pageRequest(args, cursorSchema));
      scope.signal.throwIfAborted();
      const status = args.status ?? null;
      const [rows, total] = await Promise.all([deps.orders.vendorOrders(vendor.vendorId, status, page.limit, page.after), deps.orders.countVendorOrders(vendor.vendorId, status)]);
      return toConnection(rows, page, total, (part) => ({ at: part.createdAt.toISOString(), id: part.id }));
    },

    async orders(scope, args) {
      valueOrThrow(asAdmin(scope.viewer));
      const page = valueOrThrow(pageRequest(args, cursorSchema));
      const vendorId = args.filter?.vendorId?.toLowerCase() ?? null;
      if (vendorId !== null && !isUuid(vendorId)) valueOrThrow(invalidArgument('`filter.vendorId` is not a valid id.'));
      scope.signal.throwIfAborted();
      const filter: OrderListFilter = { status: args.filter?.status ?? null, vendorId, placedFrom: args.filter?.placedFrom ?? null, placedTo: args.filter?.placedTo ?? null };
      const [rows, total] = await Promise.all([deps.orders.list(filter, page.limit, page.after), deps.orders.count(filter)]);
      return connection(rows, page, total);
    },

    async stats(scope, { from, to }) {
      valueOrThrow(asAdmin(scope.viewer));
      if (!(from < to)) valueOrThrow(invalidArgument('`from` must be before `to`.'));
      if (to.getTime() - from.getTime() > MAX_STATS_DAYS * 86_400_000) valueOrThrow(invalidArgument(`At most ${MAX_STATS_DAYS} days at once.`));
      scope.signal.throwIfAborted();
      const rows = await deps.orders.stats(from, to, MAX_STATS_VENDORS);
      return {
        days: rows.days.map((row) => ({ day: row.day, ordersCount: row.orders, revenue: { amount: row.revenue, currency: row.currency } })),
        vendors: rows.vendors.map((row) => ({ vendorId: row.vendorId, ordersCount: row.orders, revenue: { amount: row.revenue, currency: row.currency } })),
      };
    },
  };
}
