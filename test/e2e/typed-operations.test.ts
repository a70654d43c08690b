import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Kind, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as operations from '../../clients/__generated__/operations.ts';
import {
  CatalogListingDocument,
  LogInDocument,
  MeDocument,
  ProductBySlugDocument,
  RefreshAccessTokenDocument,
  SearchProductsDocument,
  SignUpDocument,
} from '../../clients/__generated__/operations.ts';
import { CLIENT_MANIFEST, clientManifest, printManifest } from '../../scripts/pq-manifest.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BROWSER_ORIGIN = 'https://shop.example';

/**
 * Every first-party client operation (clients/operations/*.graphql) through the gateway, as the
 * typed documents codegen generates: a field renamed or removed in the schema fails tsc here
 * before it fails an app. The CORS check rides along: these are the calls a browser storefront makes.
 */
describe('first-party client operations, typed, through the gateway', () => {
  let platform: TestPlatform;
  const ran = new Set<string>();

  beforeAll(async () => {
    platform = await bootPlatform({ env: { gateway: { CORS_ALLOWED_ORIGINS: BROWSER_ORIGIN } } });
  });
  afterAll(async () => {
    await platform?.close();
  });

  /** Runs one typed document; the result's type comes from the document, not from the caller. */
  async function send<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    token?: string,
  ): Promise<TResult> {
    const definition = document.definitions[0];
    if (definition?.kind === Kind.OPERATION_DEFINITION && definition.name) ran.add(definition.name.value);
    return platform.gateway.data<TResult>(print(document), variables, { token: token ?? null });
  }

  /** Setup the storefront clients never do (opening and approving a store, listing products): plain strings. */
  async function aVendorWithProducts(customerRefreshToken: string, word: string): Promise<{ vendorId: string; vendorToken: string; slugs: string[] }> {
    const customer = await send(RefreshAccessTokenDocument, { input: { refreshToken: customerRefreshToken } });
    const applied = await platform.gateway.data<{ applyForVendor: { vendor: { id: string } } }>(
      `mutation ($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } } }`,
      { input: { name: `Typed Goods ${word}`, slug: `typed-${word}`, description: 'Typed things.' } },
      { token: customer.refreshAccessToken.accessToken ?? '' },
    );
    const vendorId = applied.applyForVendor.vendor.id;
    await platform.gateway.data(
      `mutation ($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }`,
      { input: { id: vendorId } },
      { token: await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' }) },
    );
    // The VENDOR role arrives with the next refresh: the typed refresh, again.
    const vendor = await send(RefreshAccessTokenDocument, { input: { refreshToken: customer.refreshAccessToken.refreshToken ?? '' } });
    expect(vendor.refreshAccessToken.user?.role).toBe('VENDOR');
    const vendorToken = vendor.refreshAccessToken.accessToken ?? '';
    const slugs: string[] = [];
    for (const [index, name] of [`Typed ${word} Kettle`, `Typed ${word} Teapot`].entries()) {
      const created = await platform.gateway.data<{ createProduct: { product: { id: string; slug: string } } }>(
        `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id slug } } }`,
        { input: { name, description: `A ${word} piece.`, variants: [{ sku: `${word}-${index}`, price: { amount: 2500 + index * 100, currency: 'EUR' } }] } },
        { token: vendorToken },
      );
      await platform.gateway.data(
        `mutation ($input: SetProductStatusInput!) { setProductStatus(input: $input) { userErrors { code } } }`,
        { input: { id: created.createProduct.product.id, status: 'ACTIVE' } },
        { token: vendorToken },
      );
      slugs.push(created.createProduct.product.slug);
    }
    return { vendorId, vendorToken, slugs };
  }

  it('signs up, logs in, asks who it is, refreshes; lists, searches and opens products', async () => {
    const word = `tx${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const email = `typed-${word}@example.com`;
    const password = 'correct horse battery 42';

    const signedUp = await send(SignUpDocument, { input: { email, password, name: 'Tess Typed' } });
    expect(signedUp.signUp.userErrors).toEqual([]);
    expect(signedUp.signUp.user?.email).toBe(email);

    const loggedIn = await send(LogInDocument, { input: { email, password } });
    expect(loggedIn.logIn.userErrors).toEqual([]);
    const accessToken: string | null = loggedIn.logIn.accessToken;
    expect(accessToken).toMatch(/^ey/);

    const me = await send(MeDocument, {}, accessToken ?? undefined);
    expect(me.me).toMatchObject({ email, name: 'Tess Typed', role: 'CUSTOMER', status: 'ACTIVE' });
    expect((await send(MeDocument, {})).me).toBeNull();

    const { vendorId, slugs } = await aVendorWithProducts(loggedIn.logIn.refreshToken ?? '', word);

    const listing = await send(CatalogListingDocument, { first: 1, filter: { vendorId }, sort: 'PRICE_ASC' });
    expect(listing.products.totalCount).toBe(2);
    expect(listing.products.pageInfo.hasNextPage).toBe(true);
    const cheapest = listing.products.edges[0]?.node;
    expect(cheapest?.priceRange.min).toEqual({ amount: 2500, currency: 'EUR', formatted: expect.any(String) as unknown });
    const nextPage = await send(CatalogListingDocument, { first: 1, after: listing.products.pageInfo.endCursor, filter: { vendorId }, sort: 'PRICE_ASC' });
    expect(nextPage.products.edges.map((edge) => edge.node.priceRange.min.amount)).toEqual([2600]);

    const found = await send(SearchProductsDocument, { search: word });
    expect(found.products.edges.map((edge) => edge.node.slug).sort()).toEqual([...slugs].sort());

    const opened = await send(ProductBySlugDocument, { slug: cheapest?.slug ?? '' });
    expect(opened.product?.variants.map((variant) => variant.price.amount)).toEqual([2500]);
    expect(opened.product?.vendor.products.totalCount).toBe(2);
  });

  it('ran every document of clients/operations', () => {
    const documents = Object.entries(operations)
      .filter(([name]) => name.endsWith('Document'))
      .map(([name]) => name.slice(0, -'Document'.length));
    expect(documents.length).toBeGreaterThanOrEqual(7);
    expect([...ran].sort()).toEqual(documents.sort());
  });

  it('the committed persisted-query manifest is the one clients/operations make (ids are sha256 of the bodies)', async () => {
    const manifest = await clientManifest();
    expect(readFileSync(path.join(ROOT, CLIENT_MANIFEST), 'utf8')).toBe(printManifest(manifest));
    expect(manifest.operations.map((operation) => operation.name).sort()).toEqual([...ran].sort());
    for (const operation of manifest.operations) expect(operation.id).toBe(createHash('sha256').update(operation.body).digest('hex'));
  });

  it('lets the configured browser origin call /graphql (preflight and request), and no other', async () => {
    const preflight = await fetch(platform.gatewayServer.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin: BROWSER_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(BROWSER_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');

    const response = await platform.gateway.request(print(MeDocument), {}, { headers: { origin: BROWSER_ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(BROWSER_ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');

    const stranger = await platform.gateway.request(print(MeDocument), {}, { headers: { origin: 'https://elsewhere.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});
