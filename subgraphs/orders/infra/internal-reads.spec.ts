import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InternalReadClient } from '../../../platform/http/internal-read.ts';
import { createCartReader, createCatalogReader } from './internal-reads.ts';

/** A client that answers `answer` for any path, validated by the caller's schema as the real one does, and records what was asked. */
function fakeClient(answer: unknown) {
  const asked: { path: string; body: unknown; requestId: string | undefined }[] = [];
  const client: InternalReadClient = {
    async post(path, body, { schema, requestId }) {
      asked.push({ path, body, requestId });
      return schema.parse(answer);
    },
  };
  return { client, asked };
}

const context = { requestId: 'req-1', signal: new AbortController().signal };

describe('the readers of cart and catalog', () => {
  it('asks cart for the customer’s cart and takes an empty one (currency null) as it is', async () => {
    const cart = { id: randomUUID(), customerId: randomUUID(), currency: null, lines: [] };
    const { client, asked } = fakeClient({ cart });
    expect(await createCartReader(client).checkoutCart({ cartId: cart.id, customerId: cart.customerId }, context)).toEqual(cart);
    expect(asked).toEqual([{ path: '/internal/carts/checkout', body: { cartId: cart.id, customerId: cart.customerId }, requestId: 'req-1' }]);
  });

  it('asks catalog for the ids and reads an untitled variant’s title as empty', async () => {
    const variant = { id: randomUUID(), productId: randomUUID(), vendorId: randomUUID(), sku: 'SKU-1', productName: 'Lamp', title: null, price: { amount: 1999, currency: 'EUR' }, onSale: true };
    const { client, asked } = fakeClient({ variants: [variant] });
    expect(await createCatalogReader(client).variants([variant.id], context)).toEqual([{ ...variant, title: '' }]);
    expect(asked[0]).toMatchObject({ path: '/internal/variants', body: { ids: [variant.id] } });
  });

  it('refuses an answer of the wrong shape (a float price)', async () => {
    const { client } = fakeClient({ variants: [{ id: randomUUID(), productId: randomUUID(), vendorId: randomUUID(), sku: 'S', productName: 'P', title: 'T', price: { amount: 19.99, currency: 'EUR' }, onSale: true }] });
    await expect(createCatalogReader(client).variants([randomUUID()], context)).rejects.toThrow();
  });
});
