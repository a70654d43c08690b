import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { createLogger, type Logger } from '../../../platform/logging/logger.ts';
import { money } from '../../../platform/money/money.ts';
import { testRequestContext } from '../../../platform/testing/request-context.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';
import type { Clock } from '../application/clock.ts';
import type { CartScope } from '../application/scope.ts';
import { createCartApp, type CartApp, type CartAppDeps, type CartServices } from '../application/services.ts';
import type { SaleVariant } from '../domain/cart.ts';
import type { CatalogReader, InventoryReader } from '../domain/ports.ts';
import { createCartRepository } from '../infra/cart.repository.ts';
import { createCartDatabase, type CartDatabase } from '../infra/prisma.ts';

/** A cart's row as a spec reads it back from Postgres. */
export interface StoredCartRow {
  customerId: string | null;
  tokenHash: string | null;
  currency: string | null;
}

/** A clock the spec moves by hand (guest cart expiry). */
export interface ManualClock {
  clock: Clock;
  advance(ms: number): void;
}

/**
 * Catalog and inventory as the cart's ports see them, held in memory so a spec sets prices, sale
 * state and stock directly; every call is recorded (to prove reads are batched per request).
 * They stand in for the two owners only in these specs; the e2e tests use the real services.
 */
export interface FakeOwners {
  catalog: CatalogReader;
  inventory: InventoryReader;
  /** A variant on sale (by default) from `vendorId`, priced `amount` in `currency`; returns it. */
  variant(options?: { vendorId?: string; amount?: number; currency?: string; onSale?: boolean; stock?: number }): SaleVariant;
  setPrice(variantId: string, amount: number): void;
  setOnSale(variantId: string, onSale: boolean): void;
  setStock(variantId: string, available: number): void;
  /** The id lists catalog and inventory were asked for, one entry per call. */
  calls: { catalog: string[][]; inventory: string[][] };
}

export function createFakeOwners(): FakeOwners {
  const variants = new Map<string, SaleVariant>();
  const stock = new Map<string, number>();
  const calls: FakeOwners['calls'] = { catalog: [], inventory: [] };
  return {
    catalog: {
      variants(ids) {
        calls.catalog.push([...ids]);
        return Promise.resolve(ids.flatMap((id) => variants.get(id) ?? []));
      },
    },
    inventory: {
      availability(ids) {
        calls.inventory.push([...ids]);
        return Promise.resolve(new Map(ids.map((id) => [id, stock.get(id) ?? 0])));
      },
    },
    variant(options = {}) {
      const id = randomUUID();
      const variant: SaleVariant = {
        id,
        productId: randomUUID(),
        vendorId: options.vendorId ?? randomUUID(),
        sku: `SKU-${id.slice(0, 8)}`.toUpperCase(),
        productName: `Product ${id.slice(0, 4)}`,
        title: null,
        price: money(options.amount ?? 1_000, options.currency ?? 'EUR'),
        onSale: options.onSale ?? true,
      };
      variants.set(id, variant);
      stock.set(id, options.stock ?? 50);
      return variant;
    },
    setPrice(variantId, amount) {
      const variant = variants.get(variantId);
      if (variant) variants.set(variantId, { ...variant, price: money(amount, variant.price.currency) });
    },
    setOnSale(variantId, onSale) {
      const variant = variants.get(variantId);
      if (variant) variants.set(variantId, { ...variant, onSale });
    },
    setStock(variantId, available) {
      stock.set(variantId, available);
    },
    calls,
  };
}

/**
 * The cart app (createCartApp) over the test database, with catalog and inventory faked in memory
 * and a clock the spec controls, for the `*.spec.ts` files. Production never imports this.
 */
export interface CartHarness {
  app: CartApp;
  services: CartServices;
  deps: CartAppDeps;
  owners: FakeOwners;
  time: ManualClock;
  /** A request as the subgraph server builds it: this viewer (a guest by default), a fresh request id. */
  request(viewer?: Viewer | null): BaseRequestContext;
  /** The request's scope as a resolver gets it: fresh loaders. */
  scope(viewer?: Viewer | null): CartScope;
  /** A signed-in customer with a fresh id. */
  customer(): Viewer;
  db: CartDatabase;
  /** A cart's row straight from Postgres; null once it is gone. */
  storedCart(cartId: string): Promise<StoredCartRow | null>;
  /** The lines of a cart (by its id, or its customer's) straight from Postgres, in the order they were added. */
  storedLines(cart: { cartId: string } | { customerId: string }): Promise<{ variantId: string; quantity: number }[]>;
  logger: Logger;
  close(): Promise<void>;
}

export const SPEC_GUEST_CART_TTL_MS = 24 * 3_600_000;

export function createCartHarness(options: { scope: string }): CartHarness {
  const logger = createLogger({ service: `cart-${options.scope}`, level: 'silent', pretty: false });
  const db = createCartDatabase(testDatabaseUrl('cart'), 4);
  let now = Date.now();
  const time: ManualClock = { clock: () => new Date(now), advance: (ms) => (now += ms) };
  const owners = createFakeOwners();
  const deps: CartAppDeps = { carts: createCartRepository(db), catalog: owners.catalog, inventory: owners.inventory, guestCartTtlMs: SPEC_GUEST_CART_TTL_MS, clock: time.clock };
  const app = createCartApp(deps);
  const request = (viewer: Viewer | null = null): BaseRequestContext => testRequestContext(logger, viewer);
  return {
    app,
    services: app.services,
    deps,
    owners,
    time,
    request,
    scope: (viewer) => app.scopeFor(request(viewer)),
    customer: () => ({ userId: randomUUID(), role: 'CUSTOMER', vendorId: null }),
    db,
    async storedCart(cartId) {
      const [row] = await db.$queryRaw<StoredCartRow[]>`
        SELECT customer_id::text AS "customerId", token_hash AS "tokenHash", currency FROM carts WHERE id = ${cartId}::uuid`;
      return row ?? null;
    },
    async storedLines(cart) {
      const cartId = 'cartId' in cart ? cart.cartId : null;
      const customerId = 'customerId' in cart ? cart.customerId : null;
      // Lines stamped in one millisecond by the transaction that last wrote them: the nearest the
      // table keeps to the order they were added.
      return db.$queryRaw<{ variantId: string; quantity: number }[]>`
        SELECT l.variant_id::text AS "variantId", l.quantity
        FROM cart_lines l JOIN carts c ON c.id = l.cart_id
        WHERE c.id = ${cartId}::uuid OR c.customer_id = ${customerId}::uuid
        ORDER BY l.created_at, l.xmin::text::bigint`;
    },
    logger,
    close: () => db.$disconnect(),
  };
}
