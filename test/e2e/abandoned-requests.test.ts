import { randomUUID } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A subgraph stops working for a caller that went away. The catalog's reads are held back with
 * table locks, so the request is caught in its first read when it is given up on (its client
 * leaves, or the gateway's subgraph deadline passes): the gateway must close its catalog request,
 * the catalog must notice, and once the read is let go, the reads that would follow (the
 * category's product page and its products, on a table still locked, where any read would wait
 * and be seen) must never be sent.
 */
const BROWSE = `query AbandonedBrowse($id: ID) {
  category(id: $id) { name products(first: 5) { totalCount edges { node { name variants { sku } } } } }
}`;

/** A transaction holding an exclusive lock on a catalog table: every read of it waits until `release`. */
async function lockTable(table: 'categories' | 'products'): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client(poolConfigFromUrl(testDatabaseUrl('catalog')));
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.query('COMMIT');
      await client.end();
    },
  };
}

interface ObservedResponse {
  response: ServerResponse;
  /** Its connection closed (the catalog's own close listener, which aborts the request, ran first). */
  closed: boolean;
}

interface Abandoned {
  /** How the request was given up on, and the outcome of the catalog's side. */
  outcome: 'finished' | 'read on';
  /** Product reads the catalog sent after it was given up on. */
  productReadsAfter: number;
  /** What the client saw: its connection reset, or the gateway's answer. */
  client: unknown;
}

/**
 * Sends BROWSE through the gateway on its own connection (so going away is closing it), waits
 * until the catalog is held in its category read, lets `giveUp` abandon the request and waits
 * (within `noticeWithinMs`) until the catalog's connection for it closes; then lets the category
 * read go and reports whether the catalog finished or read on.
 */
async function abandonInFirstRead(
  platform: TestPlatform,
  observer: pg.Client,
  categoryId: string,
  giveUp: (client: ClientRequest) => void,
  noticeWithinMs: number,
): Promise<Abandoned> {
  const requestId = `abandoned-${randomUUID()}`;
  const readsWaitingOn = async (table: 'categories' | 'products') =>
    (await observer.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM pg_locks WHERE NOT granted AND relation = $1::regclass AND pid <> pg_backend_pid()',
      [table],
    )).rows[0]?.count ?? 0;
  let observed: ObservedResponse | undefined;
  const server = platform.subgraphs.catalog.server;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers['x-request-id'] !== requestId) return;
    server.off('request', onRequest);
    const seen: ObservedResponse = { response: res, closed: false };
    res.once('close', () => {
      seen.closed = true;
    });
    observed = seen;
  };
  server.on('request', onRequest);

  const categories = await lockTable('categories');
  const products = await lockTable('products');
  try {
    const client = httpRequest(platform.gateway.url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    });
    const answered = new Promise<unknown>((resolve) => {
      client.once('error', resolve);
      client.once('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      });
    });
    client.end(JSON.stringify({ query: BROWSE, variables: { id: categoryId } }));

    await waitFor('the catalog to wait on its category read', async () => (await readsWaitingOn('categories')) === 1);
    giveUp(client);
    await waitFor('the catalog to see the gateway close its request', () => observed?.closed, { timeoutMs: noticeWithinMs });
    expect(observed?.response.writableFinished).toBe(false);

    await categories.release();
    // Reading on would mean a product page read, which would wait on the products lock.
    const outcome = await waitFor('the catalog to finish the request or read on', async () => {
      if ((await readsWaitingOn('products')) > 0) return 'read on' as const;
      return observed?.response.writableEnded ? ('finished' as const) : undefined;
    });
    return { outcome, productReadsAfter: await readsWaitingOn('products'), client: await answered };
  } finally {
    server.off('request', onRequest);
    await categories.release();
    await products.release();
  }
}

/** Boots a platform (with this gateway environment) and a category to browse, for one describe block. */
function platformWithCategory(gateway: Record<string, string> = {}) {
  const state = {} as { platform: TestPlatform; observer: pg.Client; categoryId: string };
  beforeAll(async () => {
    state.platform = await bootPlatform({ env: { gateway } });
    state.observer = new pg.Client(poolConfigFromUrl(testDatabaseUrl('catalog')));
    await state.observer.connect();
    const admin = await state.platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
    const created = await state.platform.gateway.data<{ createCategory: { category: { id: string } } }>(
      `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } userErrors { code } } }`,
      { input: { name: `Abandoned ${randomUUID().slice(0, 8)}` } },
      { token: admin },
    );
    state.categoryId = created.createCategory.category.id;
  });
  afterAll(async () => {
    await state.observer?.end();
    await state.platform?.close();
  });
  return state;
}

describe('a request whose client goes away', () => {
  const given = platformWithCategory();

  it('is dropped by the gateway and the catalog, which sends none of its remaining reads', async () => {
    // Well before the gateway's own subgraph deadline (10 s), which would close it as well.
    const abandoned = await abandonInFirstRead(given.platform, given.observer, given.categoryId, (client) => client.destroy(), 5_000);
    expect(abandoned.client).toMatchObject({ code: 'ECONNRESET' });
    expect(abandoned.outcome).toBe('finished');
    expect(abandoned.productReadsAfter).toBe(0);
  });
});

describe('a request the gateway gives up on', () => {
  const given = platformWithCategory({ SUBGRAPH_TIMEOUT_MS: '1000' });

  it('is dropped by the catalog once the gateway’s deadline closes the connection', async () => {
    const abandoned = await abandonInFirstRead(given.platform, given.observer, given.categoryId, () => undefined, 5_000);
    expect(abandoned.outcome).toBe('finished');
    expect(abandoned.productReadsAfter).toBe(0);
    expect(abandoned.client).toMatchObject({ status: 200 });
    expect(JSON.parse((abandoned.client as { body: string }).body)).toMatchObject({ data: { category: null }, errors: [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });
});
