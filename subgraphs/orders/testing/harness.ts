import { randomUUID } from 'node:crypto';
import type { Envelope } from '../../../contracts/envelope.ts';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { createLogger, type Logger } from '../../../platform/logging/logger.ts';
import { testRequestContext } from '../../../platform/testing/request-context.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';
import type { Clock } from '../application/clock.ts';
import type { CartPort, CatalogPort } from '../application/ports.ts';
import type { OrdersScope } from '../application/scope.ts';
import { createOrdersApp, type OrdersApp, type OrdersSettings } from '../application/services.ts';
import type { CatalogVariant, CheckoutCart } from '../domain/order.ts';
import { createOrderRepository, type OrderRepository } from '../infra/order.repository.ts';
import { createOrdersDatabase, type OrdersDatabase } from '../infra/prisma.ts';

/** A clock the spec moves by hand (saga deadlines). */
export interface ManualClock {
  clock: Clock;
  now(): Date;
  advance(ms: number): void;
}

export function createManualClock(start = new Date()): ManualClock {
  let now = start.getTime();
  return { clock: () => new Date(now), now: () => new Date(now), advance: (ms) => (now += ms) };
}

/** In-memory cart and catalog behind the ports: the spec fills them, or makes a read fail. */
export interface FakeOwners {
  carts: Map<string, CheckoutCart>;
  variants: Map<string, CatalogVariant>;
  /** Set to make the next reads throw (e.g. an InternalReadError). */
  failWith: Error | null;
  cartReads: number;
  catalogReads: number;
  /** Ids catalog was asked for, in the order of the reads. */
  catalogAsked: string[][];
}

/** One outbox row as a spec reads it. */
export interface OutboxRow {
  type: string;
  payload: Record<string, unknown>;
  correlationId: string;
}

export const SPEC_SETTINGS: OrdersSettings = {
  shippingFlatFee: 495,
  taxRates: { DE: 1900, NL: 2100, FR: 2000, US: 0 },
  stepTimeoutMs: 30_000,
  reservationTtlSeconds: 900,
};

/**
 * The orders app (createOrdersApp) over the test database, with fake cart and catalog ports and a
 * clock the spec controls, for the `*.spec.ts` files. Production never imports this.
 */
export interface OrdersHarness {
  app: OrdersApp;
  orders: OrderRepository;
  owners: FakeOwners;
  time: ManualClock;
  db: OrdersDatabase;
  logger: Logger;
  request(viewer?: Viewer | null): BaseRequestContext;
  scope(viewer?: Viewer | null): OrdersScope;
  customer(): Viewer;
  vendor(vendorId?: string): Viewer;
  admin(): Viewer;
  /** A catalog variant on sale (price in EUR unless given), recorded in the fake catalog. */
  variant(vendorId: string, price: number, overrides?: Partial<CatalogVariant>): CatalogVariant;
  /** A cart of this customer in the fake cart service. */
  cart(customerId: string, lines: { variantId: string; quantity: number }[], currency?: string): CheckoutCart;
  /** The outbox rows written for an order, oldest first. */
  outbox(orderId: string): Promise<OutboxRow[]>;
  /** Delivers a reply to the saga as its consumer would: the handler in one transaction with its inbox row. */
  deliver(type: string, payload: Record<string, unknown>, options?: { id?: string; correlationId?: string }): Promise<boolean>;
  /** The order's stored status, straight from Postgres. */
  statusOf(orderId: string): Promise<string | null>;
  close(): Promise<void>;
}

export async function createOrdersHarness(options: { scope: string; settings?: Partial<OrdersSettings>; poolSize?: number }): Promise<OrdersHarness> {
  const logger = createLogger({ service: `orders-${options.scope}`, level: 'silent', pretty: false });
  const db = createOrdersDatabase(testDatabaseUrl('orders'), options.poolSize ?? 6);
  const time = createManualClock();
  const owners: FakeOwners = { carts: new Map(), variants: new Map(), failWith: null, cartReads: 0, catalogReads: 0, catalogAsked: [] };
  const cart: CartPort = {
    async checkoutCart({ cartId, customerId }) {
      owners.cartReads += 1;
      if (owners.failWith) throw owners.failWith;
      const found = owners.carts.get(cartId);
      return found && found.customerId === customerId ? found : null;
    },
  };
  const catalog: CatalogPort = {
    async variants(ids) {
      owners.catalogReads += 1;
      owners.catalogAsked.push([...ids]);
      if (owners.failWith) throw owners.failWith;
      return ids.flatMap((id) => owners.variants.get(id) ?? []);
    },
  };
  const orders = createOrderRepository(db);
  const app = createOrdersApp({ orders, cart, catalog, settings: { ...SPEC_SETTINGS, ...options.settings }, logger, clock: time.clock });
  const request = (viewer: Viewer | null = null): BaseRequestContext => testRequestContext(logger, viewer);
  const consumer = `spec-${options.scope}`;
  return {
    app,
    orders,
    owners,
    time,
    db,
    logger,
    request,
    scope: (viewer) => app.scopeFor(request(viewer)),
    customer: () => ({ userId: randomUUID(), role: 'CUSTOMER', vendorId: null }),
    vendor: (vendorId = randomUUID()) => ({ userId: randomUUID(), role: 'VENDOR', vendorId }),
    admin: () => ({ userId: randomUUID(), role: 'ADMIN', vendorId: null }),
    variant(vendorId, price, overrides = {}) {
      const id = randomUUID();
      const variant: CatalogVariant = {
        id,
        productId: randomUUID(),
        vendorId,
        sku: `SKU-${id.slice(0, 8)}`,
        productName: `Product ${id.slice(0, 4)}`,
        title: 'Default',
        price: { amount: price, currency: 'EUR' },
        onSale: true,
        ...overrides,
      };
      owners.variants.set(id, variant);
      return variant;
    },
    cart(customerId, lines, currency = 'EUR') {
      const made: CheckoutCart = { id: randomUUID(), customerId, currency, lines };
      owners.carts.set(made.id, made);
      return made;
    },
    async outbox(orderId) {
      return db.$queryRaw<OutboxRow[]>`
        SELECT type, payload, correlation_id AS "correlationId" FROM outbox_message
        WHERE payload->>'orderId' = ${orderId} ORDER BY occurred_at, id`;
    },
    async deliver(type, payload, deliverOptions = {}) {
      const handler = app.saga.handlers.find((candidate) => candidate.contract.type === type);
      if (!handler) throw new Error(`the saga has no handler for ${type}`);
      const message: Envelope = {
        id: deliverOptions.id ?? randomUUID(),
        type,
        version: handler.contract.version,
        occurredAt: new Date().toISOString(),
        correlationId: deliverOptions.correlationId ?? 'spec-reply',
        payload: handler.contract.payload.parse(payload),
      };
      // The inbox consumer's transaction: the inbox row and the handler's writes commit together.
      return db.$transaction(async (tx) => {
        const inserted = await tx.$executeRaw`
          INSERT INTO inbox_message (consumer, message_id, type, handled_at) VALUES (${consumer}, ${message.id}::uuid, ${type}, now())
          ON CONFLICT (consumer, message_id) DO NOTHING`;
        if (inserted === 0) return false;
        await handler.handle(message, tx);
        return true;
      });
    },
    async statusOf(orderId) {
      const [row] = await db.$queryRaw<{ status: string }[]>`SELECT status::text FROM orders WHERE id = ${orderId}::uuid`;
      return row?.status ?? null;
    },
    async close() {
      await db.$disconnect();
    },
  };
}
