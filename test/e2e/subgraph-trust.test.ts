import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewaySigner, newGatewaySigningSecret } from '../../platform/graphql/gateway-signature.ts';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../subgraphs/registry.ts';
import { signed } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Only the gateway may reach a subgraph: every request a subgraph serves carries the gateway's
 * signature over its body and forwarded headers, made moments ago with the shared secret.
 * Whatever does get through meets the same size, depth and alias limits as at the gateway.
 */
interface Reply {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  text: string;
}

let platform: TestPlatform;

async function post(name: SubgraphName, body: string, headers: Record<string, string>): Promise<Reply> {
  const response = await fetch(platform.subgraphs[name].graphqlUrl, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Reply['body'], text };
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const TYPENAME = JSON.stringify({ query: '{ __typename }' });
const codesOf = (reply: Reply) => (reply.body.errors ?? []).map((error) => error.extensions?.code);
/** Signed now with the platform's secret, as the gateway signs. */
const asGateway = (name: SubgraphName, body: string, headers: Record<string, string> = {}) =>
  signed(platform.signing.signer, platform.subgraphs[name].graphqlUrl, { ...JSON_HEADERS, ...headers }, body);

beforeAll(async () => {
  platform = await bootPlatform();
});
afterAll(async () => {
  await platform?.close();
});

describe.each(SUBGRAPH_NAMES)('the %s subgraph, called directly', (name) => {
  it('answers a request the gateway signed', async () => {
    const reply = await post(name, TYPENAME, asGateway(name, TYPENAME));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a request without a signature with 401 GATEWAY_SIGNATURE_REQUIRED', async () => {
    const reply = await post(name, TYPENAME, { ...JSON_HEADERS, 'x-client-ip': '203.0.113.50' });
    expect(reply.status).toBe(401);
    expect(reply.body.data).toBeUndefined();
    expect(codesOf(reply)).toEqual(['GATEWAY_SIGNATURE_REQUIRED']);
  });

  it('refuses a signature made with another secret with 403 GATEWAY_SIGNATURE_INVALID', async () => {
    const stranger = createGatewaySigner([newGatewaySigningSecret()]);
    const reply = await post(name, TYPENAME, signed(stranger, platform.subgraphs[name].graphqlUrl, JSON_HEADERS, TYPENAME));
    expect(reply.status).toBe(403);
    expect(codesOf(reply)).toEqual(['GATEWAY_SIGNATURE_INVALID']);
  });

  it('refuses a stale signature (a replay) with 403 GATEWAY_SIGNATURE_EXPIRED', async () => {
    const twoMinutesAgo = createGatewaySigner([platform.signing.secret], () => Math.floor(Date.now() / 1000) - 120);
    const reply = await post(name, TYPENAME, signed(twoMinutesAgo, platform.subgraphs[name].graphqlUrl, JSON_HEADERS, TYPENAME));
    expect(reply.status).toBe(403);
    expect(codesOf(reply)).toEqual(['GATEWAY_SIGNATURE_EXPIRED']);
  });

  it('refuses a signed request whose client address was changed or added', async () => {
    const headers = asGateway(name, TYPENAME, { 'x-client-ip': '203.0.113.7' });
    const changed = await post(name, TYPENAME, { ...headers, 'x-client-ip': '198.51.100.9' });
    expect(changed.status).toBe(403);
    expect(codesOf(changed)).toEqual(['GATEWAY_SIGNATURE_INVALID']);
    const added = await post(name, TYPENAME, { ...asGateway(name, TYPENAME), 'x-client-ip': '198.51.100.9' });
    expect(added.status).toBe(403);
    expect(codesOf(added)).toEqual(['GATEWAY_SIGNATURE_INVALID']);
  });

  it('refuses a request too deep or too aliased for its own limits, even signed', async () => {
    // Valid on every subgraph (introspection is on outside production), and one level too deep.
    const deep = JSON.stringify({ query: '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }' });
    const tooDeep = await post(name, deep, asGateway(name, deep));
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.errors?.[0]).toMatchObject({ message: 'The operation is nested 13 levels deep; the limit is 12.', extensions: { code: 'QUERY_TOO_DEEP' } });
    const aliased = JSON.stringify({ query: `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }` });
    const tooAliased = await post(name, aliased, asGateway(name, aliased));
    expect(tooAliased.status).toBe(400);
    expect(tooAliased.body.errors?.[0]).toMatchObject({ message: 'The operation uses 31 aliases; the limit is 30.', extensions: { code: 'TOO_MANY_ALIASES' } });
  });

  it('refuses a body over the 64 KiB limit with 413, even signed', async () => {
    const big = JSON.stringify({ query: `{ __typename }\n#${'x'.repeat(100 * 1024)}` });
    const reply = await post(name, big, asGateway(name, big));
    expect(reply.status).toBe(413);
    expect(codesOf(reply)).toEqual(['REQUEST_TOO_LARGE']);
  });
});

describe('what a direct caller cannot do', () => {
  it('runs nothing of a signed request whose body was swapped: the account it would open does not exist', async () => {
    const email = `swapped-${randomUUID().slice(0, 8)}@example.com`;
    const signUp = `mutation { signUp(input: { email: "${email}", password: "Correct-Horse-9-Battery", name: "Swapped Body" }) { userErrors { code } } }`;
    const reply = await post('users', JSON.stringify({ query: signUp }), asGateway('users', TYPENAME));
    expect(reply.status).toBe(403);
    expect(codesOf(reply)).toEqual(['GATEWAY_SIGNATURE_INVALID']);
    // Through the gateway the same sign-up succeeds: the refused one never ran.
    const through = await platform.gateway.data<{ signUp: { userErrors: { code: string }[] } }>(signUp);
    expect(through.signUp.userErrors).toEqual([]);
  });

  it('cannot read an archived product through _entities', async () => {
    const admin = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
    const name = `Archived Lamp ${randomUUID().slice(0, 8)}`;
    const created = await platform.gateway.data<{ createProduct: { product: { id: string } } }>(
      `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }`,
      { input: { vendorId: randomUUID(), name, variants: [{ sku: `ARCH-${randomUUID().slice(0, 8)}`, price: { amount: 1000, currency: 'EUR' } }] } },
      { token: admin },
    );
    const id = created.createProduct.product.id;
    const archived = await platform.gateway.data<{ setProductStatus: { userErrors: unknown[] } }>(
      `mutation ($id: ID!) { setProductStatus(input: { id: $id, status: ARCHIVED }) { userErrors { code } } }`,
      { id },
      { token: admin },
    );
    expect(archived.setProductStatus.userErrors).toEqual([]);

    const entities = JSON.stringify({
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name status } } }',
      variables: { r: [{ __typename: 'Product', id }] },
    });
    const direct = await post('catalog', entities, JSON_HEADERS);
    expect(direct.status).toBe(401);
    expect(codesOf(direct)).toEqual(['GATEWAY_SIGNATURE_REQUIRED']);
    expect(direct.text).not.toContain(name);
  });
});
