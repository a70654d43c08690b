import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { GraphQLTestClient } from './graphql-client.ts';
import { waitFor } from './wait.ts';

/**
 * A small marketplace built through the gateway the way its users build it: real accounts
 * (sign-up, a store application an admin approves), products a store publishes, stock it
 * receives into warehouses, shoppers who fill carts and check out. Shared by the checkout tests
 * (in-process platform) and the fault tests (a stack of separate processes).
 */
export interface MarketplaceClient {
  gateway: GraphQLTestClient;
  /** An admin's access token (the platform's own signer). */
  adminToken: string;
  /** Signs an access token for an existing account, as the users subgraph would. */
  sign(claims: { sub: string; role: 'CUSTOMER' | 'VENDOR' | 'ADMIN'; vid?: string }): Promise<string>;
}

export interface Store {
  vendorId: string;
  ownerEmail: string;
  name: string;
  token: string;
}

export interface Shopper {
  id: string;
  email: string;
  token: string;
}

export interface UserErrorShape {
  code: string;
  field?: string[] | null;
  message?: string;
}

export interface MoneyShape {
  amount: number;
  currency: string;
}

export const TERMINAL_ORDER_STATUSES = new Set(['CONFIRMED', 'CANCELLED', 'SHIPPED', 'DELIVERED', 'REFUNDED']);

export const TEST_ADDRESS = { name: 'Ada Shopper', line1: 'Torstraße 1', postalCode: '10119', city: 'Berlin', country: 'DE' };

const password = (run: string) => `Correct-Horse-${run}-Battery`;

export function marketplace(client: MarketplaceClient, run: string) {
  const { gateway } = client;
  const productOf = new Map<string, string>();

  async function signUp(email: string, name: string): Promise<{ id: string; token: string }> {
    const signed = await gateway.data<{ signUp: { user: { id: string } | null; accessToken: string | null; userErrors: UserErrorShape[] } }>(
      `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken userErrors { code } } }`,
      { input: { email, password: password(run), name } },
    );
    expect(signed.signUp.userErrors).toEqual([]);
    return { id: signed.signUp.user!.id, token: signed.signUp.accessToken! };
  }

  return {
    /** A shopper with a real account (so emails find an address). */
    async shopper(label: string): Promise<Shopper> {
      const email = `${label}-${run}@example.com`.toLowerCase();
      const account = await signUp(email, `Shopper ${label}`);
      return { id: account.id, email, token: account.token };
    },

    /** A shopper known only by a signed token: no users row, enough for carts and orders. */
    async anonymousShopper(): Promise<Shopper> {
      const id = randomUUID();
      return { id, email: '', token: await client.sign({ sub: id, role: 'CUSTOMER' }) };
    },

    /** An approved store with a real owner account. */
    async store(label: string): Promise<Store> {
      const ownerEmail = `owner-${label}-${run}@example.com`.toLowerCase();
      const owner = await signUp(ownerEmail, `Owner ${label}`);
      const name = `${label} ${run}`;
      const applied = await gateway.data<{ applyForVendor: { vendor: { id: string } } }>(
        `mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } } }`,
        { input: { name, slug: `${label.toLowerCase()}-${run}` } },
        { token: owner.token },
      );
      const vendorId = applied.applyForVendor.vendor.id;
      const approved = await gateway.data<{ approveVendor: { userErrors: UserErrorShape[] } }>(
        `mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }`,
        { input: { id: vendorId } },
        { token: client.adminToken },
      );
      expect(approved.approveVendor.userErrors).toEqual([]);
      return { vendorId, ownerEmail, name, token: await client.sign({ sub: owner.id, role: 'VENDOR', vid: vendorId }) };
    },

    async warehouse(code: string): Promise<string> {
      const created = await gateway.data<{ createLocation: { userErrors: UserErrorShape[] } }>(
        `mutation($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`,
        { input: { code, name: `Warehouse ${code}` } },
        { token: client.adminToken },
      );
      expect(created.createLocation.userErrors).toEqual([]);
      return code;
    },

    /** A published product with one variant; returns the variant id. */
    async product(store: Store, name: string, amount: number, currency = 'EUR'): Promise<string> {
      const created = await gateway.data<{ createProduct: { product: { id: string; variants: { id: string }[] }; userErrors: UserErrorShape[] } }>(
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { code field } } }`,
        { input: { name: `${name} ${run}`, variants: [{ sku: `SKU-${randomUUID().slice(0, 12)}`, price: { amount, currency } }] } },
        { token: store.token },
      );
      expect(created.createProduct.userErrors).toEqual([]);
      const active = await gateway.data<{ setProductStatus: { userErrors: UserErrorShape[] } }>(
        `mutation($id: ID!) { setProductStatus(input: { id: $id, status: ACTIVE }) { userErrors { code } } }`,
        { id: created.createProduct.product.id },
        { token: store.token },
      );
      expect(active.setProductStatus.userErrors).toEqual([]);
      const variantId = created.createProduct.product.variants[0]!.id;
      productOf.set(variantId, created.createProduct.product.id);
      return variantId;
    },

    async receive(store: Store, variantId: string, locationCode: string, quantity: number): Promise<void> {
      const received = await gateway.data<{ receiveStock: { userErrors: UserErrorShape[] } }>(
        `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { userErrors { code field } } }`,
        { input: { variantId, locationCode, quantity, reason: 'checkout test' } },
        { token: store.token },
      );
      expect(received.receiveStock.userErrors).toEqual([]);
    },

    async addToCart(shopper: Shopper, variantId: string, quantity: number): Promise<{ cartId: string }> {
      const added = await gateway.data<{ addCartLine: { cart: { id: string } | null; userErrors: UserErrorShape[] } }>(
        `mutation($input: AddCartLineInput!) { addCartLine(input: $input) { cart { id } userErrors { code field } } }`,
        { input: { variantId, quantity } },
        { token: shopper.token },
      );
      expect(added.addCartLine.userErrors).toEqual([]);
      return { cartId: added.addCartLine.cart!.id };
    },

    /**
     * placeOrder as a well-behaved client sends it: when checkout is briefly unavailable (its reads
     * of cart and catalog timed out, e.g. on a loaded machine) it retries with the same key.
     */
    async placeOrder(shopper: Shopper, cartId: string, paymentMethodToken: string, idempotencyKey: string = randomUUID()) {
      for (let attempt = 1; ; attempt += 1) {
        const placed = await gateway.data<{ placeOrder: { order: { id: string; number: string; status: string } | null; userErrors: UserErrorShape[] } }>(
          `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id number status } userErrors { code field message } } }`,
          { input: { cartId, shippingAddress: TEST_ADDRESS, paymentMethodToken, idempotencyKey } },
          { token: shopper.token },
        );
        const unavailable = placed.placeOrder.userErrors.some((error) => error.code === 'ORDER_CHECKOUT_UNAVAILABLE');
        if (!unavailable || attempt === 5) return placed.placeOrder;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    },

    async orderStatus(shopper: Shopper, orderId: string): Promise<{ status: string; cancellationReason: string | null }> {
      const read = await gateway.data<{ order: { status: string; cancellationReason: string | null } | null }>(
        `query($id: ID!) { order(id: $id) { status cancellationReason } }`,
        { id: orderId },
        { token: shopper.token },
      );
      if (!read.order) throw new Error(`order ${orderId} not visible to its customer`);
      return read.order;
    },

    /** Waits until the order is in a terminal state and returns it. */
    async settled(shopper: Shopper, orderId: string, timeoutMs = 30_000): Promise<{ status: string; cancellationReason: string | null }> {
      return waitFor(
        `order ${orderId} to reach a terminal state`,
        async () => {
          const order = await this.orderStatus(shopper, orderId);
          return TERMINAL_ORDER_STATUSES.has(order.status) ? order : undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );
    },

    /** Units a shopper could buy now (every warehouse), as the API shows them. */
    async available(variantIds: string[]): Promise<Record<string, number>> {
      const result: Record<string, number> = {};
      for (const variantId of variantIds) {
        const read = await gateway.data<{ product: { variants: { id: string; availability: { available: number } }[] } | null }>(
          `query($id: ID!) { product(id: $id) { variants { id availability { available } } } }`,
          { id: productOf.get(variantId) },
          { token: client.adminToken },
        );
        const variant = read.product?.variants.find((candidate) => candidate.id === variantId);
        if (!variant) throw new Error(`variant ${variantId} not found`);
        result[variantId] = variant.availability.available;
      }
      return result;
    },
  };
}

export type Marketplace = ReturnType<typeof marketplace>;
