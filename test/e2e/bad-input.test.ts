import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { leaksInternals } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';

/**
 * The bad-input corpus, through the gateway: text PostgreSQL cannot store (NUL, unpaired
 * surrogates), control characters, names that hide what they say, unknown country codes and
 * forged cursors whose values no column accepts. Each is refused with its typed code, nothing is
 * stored, and nothing is logged above info (a refusal is the client's mistake, not an incident).
 *
 * Three answers: the request guard refuses NUL and unpaired surrogates anywhere before anything
 * runs (400 BAD_USER_INPUT); a query argument the field's own rules refuse is BAD_USER_INPUT at
 * its path; a mutation input is a VALIDATION_FAILED userError at its field.
 */

type Refusal =
  | { by: 'guard' }
  | { by: 'argument'; path: string }
  | { by: 'input'; mutation: string; field: string };

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  as?: 'admin' | 'customer';
  refusal: Refusal;
}

const b64 = (json: string) => Buffer.from(json, 'utf8').toString('base64url');
const id = randomUUID();
const cursor = (fields: string) => b64(`{${fields},"id":"${id}"}`);
const LIST = (args: string) => `query ($after: String) { products(${args}after: $after) { totalCount } }`;
const variant = { sku: 'BAD-INPUT-1', price: { amount: 1000, currency: 'EUR' } };
const product = (overrides: Record<string, unknown>) => ({ vendorId: randomUUID(), name: 'Lamp', variants: [variant], ...overrides });
const address = (overrides: Record<string, unknown>) => ({ recipientName: 'Ada', line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', countryCode: 'FR', ...overrides });

const SIGN_UP = 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken userErrors { code field } } }';
const LOG_IN = 'mutation ($input: LogInInput!) { logIn(input: $input) { accessToken userErrors { code field } } }';
const CREATE_PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code field } } }';
const CREATE_CATEGORY = 'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } userErrors { code field } } }';
const ADD_ADDRESS = 'mutation ($input: AddressInput!) { addAddress(input: $input) { address { id } userErrors { code field } } }';
const UPDATE_PROFILE = 'mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { user { id } userErrors { code field } } }';
const APPLY = 'mutation ($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } userErrors { code field } } }';
const REJECT = 'mutation ($input: RejectVendorInput!) { rejectVendor(input: $input) { vendor { id } userErrors { code field } } }';
const SUSPEND_USER = 'mutation ($input: SuspendUserInput!) { suspendUser(input: $input) { user { id } userErrors { code field } } }';
const signUpInput = (overrides: Record<string, unknown>) => ({ email: `bad-${randomUUID().slice(0, 8)}@example.com`, password: 'Correct-Horse-9', name: 'Ada', ...overrides });

const guard: Refusal = { by: 'guard' };
const CORPUS: Case[] = [
  // Query arguments.
  { name: 'a NUL in a product slug', query: 'query ($s: String) { product(slug: $s) { id } }', variables: { s: 'lamp\u0000' }, refusal: guard },
  { name: 'an unpaired surrogate in a category slug', query: 'query ($s: String) { category(slug: $s) { id } }', variables: { s: 'audio\uD800' }, refusal: guard },
  { name: 'a NUL in a literal of the document', query: '{ vendor(slug: "tea\\u0000") { id } }', refusal: guard },
  { name: 'a NUL in a search', query: 'query ($s: String) { products(filter: { search: $s }) { totalCount } }', variables: { s: 'lamp\u0000' }, refusal: guard },
  { name: 'an unpaired surrogate in a facet search', query: 'query ($s: String) { productFacets(filter: { search: $s }) { totalCount } }', variables: { s: '\uDC00lamp' }, refusal: guard },
  { name: 'a NUL in an account search', query: 'query ($s: String) { users(search: $s) { totalCount } }', variables: { s: 'ada\u0000' }, as: 'admin', refusal: guard },
  { name: 'a control character in a search', query: 'query ($s: String) { products(filter: { search: $s }) { totalCount } }', variables: { s: 'lamp\u0007' }, refusal: { by: 'argument', path: 'products' } },
  { name: 'an escape sequence in a slug', query: 'query ($s: String) { product(slug: $s) { id } }', variables: { s: 'lamp\u001b[2J' }, refusal: { by: 'argument', path: 'product' } },
  { name: 'a control character in an account search', query: 'query ($s: String) { users(search: $s) { totalCount } }', variables: { s: 'ada\u0085' }, as: 'admin', refusal: { by: 'argument', path: 'users' } },
  // Forged cursors: well-formed, but no column accepts the value.
  { name: 'a price cursor of 1e15', query: LIST('sort: PRICE_ASC, '), variables: { after: cursor('"s":"PRICE_ASC","p":1e15') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'a price cursor below int4', query: LIST('sort: PRICE_DESC, '), variables: { after: cursor('"s":"PRICE_DESC","p":-2147483649') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'a price cursor of 1e999', query: LIST('sort: PRICE_ASC, '), variables: { after: cursor('"s":"PRICE_ASC","p":1e999') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'a timestamp cursor in year 0000', query: LIST(''), variables: { after: cursor('"s":"NEWEST","t":"0000-01-01T00:00:00.000Z"') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'a timestamp cursor on February 30', query: LIST(''), variables: { after: cursor('"s":"NEWEST","t":"2025-02-30T00:00:00.000Z"') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'a timestamp cursor before year 1', query: LIST(''), variables: { after: cursor('"s":"NEWEST","t":"-000001-01-01T00:00:00.000Z"') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'a relevance cursor of 1e999', query: LIST('filter: { search: "lamp" }, '), variables: { after: cursor('"s":"RELEVANCE","r":"1e999"') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'a relevance cursor of 1e-999', query: LIST('filter: { search: "lamp" }, '), variables: { after: cursor('"s":"RELEVANCE","r":"1e-999"') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'a NUL in a name cursor', query: LIST('sort: NAME_ASC, '), variables: { after: cursor('"s":"NAME_ASC","n":"lamp\\u0000"') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'an unpaired surrogate in a name cursor', query: LIST('sort: NAME_ASC, '), variables: { after: cursor('"s":"NAME_ASC","n":"lamp\\ud800"') }, refusal: { by: 'argument', path: 'products' } },
  { name: 'an account cursor in year 0000', query: 'query ($a: String) { users(after: $a) { totalCount } }', variables: { a: b64(`{"createdAt":"0000-01-01T00:00:00.000Z","id":"${id}"}`) }, as: 'admin', refusal: { by: 'argument', path: 'users' } },
  { name: 'a NUL in a store cursor', query: 'query ($a: String) { vendors(after: $a) { totalCount } }', variables: { a: b64(`{"name":"tea\\u0000","id":"${id}"}`) }, refusal: { by: 'argument', path: 'vendors' } },
  { name: 'an unpaired surrogate in a store cursor', query: 'query ($a: String) { vendors(after: $a) { totalCount } }', variables: { a: b64(`{"name":"tea\\udfff","id":"${id}"}`) }, refusal: { by: 'argument', path: 'vendors' } },
  // Mutation inputs.
  { name: 'a NUL in a sign-up name', query: SIGN_UP, variables: { input: signUpInput({ name: 'Ada\u0000' }) }, refusal: guard },
  { name: 'an unpaired surrogate in a password', query: SIGN_UP, variables: { input: signUpInput({ password: 'Correct-Horse-9\uD800' }) }, refusal: guard },
  { name: 'a NUL in a log-in password', query: LOG_IN, variables: { input: { email: 'ada@example.com', password: 'Correct\u0000Horse' } }, refusal: guard },
  { name: 'a name of invisible characters', query: SIGN_UP, variables: { input: signUpInput({ name: '\u200B\u3164\u200D' }) }, refusal: { by: 'input', mutation: 'signUp', field: 'input.name' } },
  { name: 'a name of Braille blanks', query: SIGN_UP, variables: { input: signUpInput({ name: '\u2800\u2800' }) }, refusal: { by: 'input', mutation: 'signUp', field: 'input.name' } },
  { name: 'a name with a direction override', query: SIGN_UP, variables: { input: signUpInput({ name: 'Ada\u202Eecalevol' }) }, refusal: { by: 'input', mutation: 'signUp', field: 'input.name' } },
  { name: 'a profile name with a direction isolate', query: UPDATE_PROFILE, variables: { input: { name: '\u2067Ada\u2069' } }, as: 'customer', refusal: { by: 'input', mutation: 'updateProfile', field: 'input.name' } },
  { name: 'an unknown country code', query: ADD_ADDRESS, variables: { input: address({ countryCode: 'XX' }) }, as: 'customer', refusal: { by: 'input', mutation: 'addAddress', field: 'input.countryCode' } },
  { name: 'a reserved country code', query: ADD_ADDRESS, variables: { input: address({ countryCode: 'uk' }) }, as: 'customer', refusal: { by: 'input', mutation: 'addAddress', field: 'input.countryCode' } },
  { name: 'a control character in an address line', query: ADD_ADDRESS, variables: { input: address({ line1: '1 Rue\u0007' }) }, as: 'customer', refusal: { by: 'input', mutation: 'addAddress', field: 'input.line1' } },
  { name: 'a NUL in an address line', query: ADD_ADDRESS, variables: { input: address({ line2: 'Flat\u0000' }) }, as: 'customer', refusal: guard },
  { name: 'a store name of invisible characters', query: APPLY, variables: { input: { name: '\u3164\u3164\u3164', slug: `s-${randomUUID().slice(0, 8)}` } }, as: 'customer', refusal: { by: 'input', mutation: 'applyForVendor', field: 'input.name' } },
  { name: 'an escape sequence in a store description', query: APPLY, variables: { input: { name: 'Tea House', slug: `s-${randomUUID().slice(0, 8)}`, description: 'Teas\u001b[2J' } }, as: 'customer', refusal: { by: 'input', mutation: 'applyForVendor', field: 'input.description' } },
  { name: 'a control character in a rejection reason', query: REJECT, variables: { input: { id: randomUUID(), reason: 'No\u0008' } }, as: 'admin', refusal: { by: 'input', mutation: 'rejectVendor', field: 'input.reason' } },
  { name: 'an unpaired surrogate in a suspension reason', query: SUSPEND_USER, variables: { input: { id: randomUUID(), reason: 'Spam\uDBFF' } }, as: 'admin', refusal: guard },
  { name: 'a NUL in a product description', query: CREATE_PRODUCT, variables: { input: product({ description: 'Bright\u0000' }) }, as: 'admin', refusal: guard },
  { name: 'an unpaired surrogate in an image URL', query: CREATE_PRODUCT, variables: { input: product({ imageUrls: ['https://images.example.com/\uD800.jpg'] }) }, as: 'admin', refusal: guard },
  { name: 'a space in an image URL', query: CREATE_PRODUCT, variables: { input: product({ imageUrls: ['https://images.example.com/a lamp.jpg'] }) }, as: 'admin', refusal: { by: 'input', mutation: 'createProduct', field: 'input.imageUrls.0' } },
  { name: 'a product name of invisible characters', query: CREATE_PRODUCT, variables: { input: product({ name: '\u200B\u200B' }) }, as: 'admin', refusal: { by: 'input', mutation: 'createProduct', field: 'input.name' } },
  { name: 'a control character in a product description', query: CREATE_PRODUCT, variables: { input: product({ description: 'Bright\u0007' }) }, as: 'admin', refusal: { by: 'input', mutation: 'createProduct', field: 'input.description' } },
  { name: 'a direction override in an option value', query: CREATE_PRODUCT, variables: { input: product({ variants: [{ ...variant, options: [{ name: 'Size', value: 'M\u202E' }] }] }) }, as: 'admin', refusal: { by: 'input', mutation: 'createProduct', field: 'input.variants.0.options.0.value' } },
  { name: 'a control character in a variant title', query: CREATE_PRODUCT, variables: { input: product({ variants: [{ ...variant, title: 'Black\u001b' }] }) }, as: 'admin', refusal: { by: 'input', mutation: 'createProduct', field: 'input.variants.0.title' } },
  { name: 'a category name of invisible characters', query: CREATE_CATEGORY, variables: { input: { name: '\u200B' } }, as: 'admin', refusal: { by: 'input', mutation: 'createCategory', field: 'input.name' } },
  { name: 'a NUL in a category name', query: CREATE_CATEGORY, variables: { input: { name: 'Audio\u0000' } }, as: 'admin', refusal: guard },
];

interface LogLine {
  level: number;
  msg?: string;
}
const INFO = 30;

let platform: TestPlatform;
const logged: LogLine[] = [];
const tokens = { admin: '', customer: '' };
let users: pg.Client;
let catalog: pg.Client;

/** Row counts of every table a refused input could have written to. */
async function stored(): Promise<Record<string, string>> {
  const [userRows, catalogRows] = await Promise.all([
    users.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM addresses) AS addresses, (SELECT count(*) FROM vendors) AS vendors,
              (SELECT max(updated_at)::text FROM users) AS users_changed, (SELECT max(updated_at)::text FROM vendors) AS vendors_changed`,
    ),
    catalog.query<Record<string, string>>(
      'SELECT (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM product_variants) AS variants, (SELECT count(*) FROM categories) AS categories',
    ),
  ]);
  return { ...userRows.rows[0], ...catalogRows.rows[0] };
}

beforeAll(async () => {
  const logger = pino({ level: 'info', base: { service: 'bad-input-e2e' } }, { write: (line: string) => void logged.push(JSON.parse(line) as LogLine) });
  platform = await bootPlatform({ logger });
  const customer = await platform.gateway.data<{ signUp: { accessToken: string } }>(SIGN_UP, { input: signUpInput({ name: 'Corpus Customer' }) });
  tokens.customer = customer.signUp.accessToken;
  tokens.admin = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
  users = new pg.Client(poolConfigFromUrl(testDatabaseUrl('users')));
  catalog = new pg.Client(poolConfigFromUrl(testDatabaseUrl('catalog')));
  await Promise.all([users.connect(), catalog.connect()]);
});
afterAll(async () => {
  await users?.end();
  await catalog?.end();
  await platform?.close();
});

describe('the bad-input corpus', () => {
  it('records what every process logs, so the silence below is real', () => {
    expect(logged).toContainEqual(expect.objectContaining({ level: INFO, msg: 'account created' }));
  });

  it.each(CORPUS)('refuses $name with its typed code, stores nothing and logs nothing above info', async ({ query, variables, as, refusal }) => {
    const before = await stored();
    const mark = logged.length;
    const response = await platform.gateway.request<Record<string, { userErrors: { code: string; field: string[] | null }[] } | null>>(
      query,
      variables,
      as ? { token: tokens[as] } : {},
    );
    expect(leaksInternals(response.body)).toBe(false);
    switch (refusal.by) {
      case 'guard':
        expect(response.status).toBe(400);
        expect(response.body.data).toBeUndefined();
        expect(response.body.errors).toEqual([
          { message: expect.stringMatching(/contains a NUL character or a broken Unicode sequence/), extensions: { code: 'BAD_USER_INPUT' } },
        ]);
        break;
      case 'argument':
        expect(response.body.errors).toEqual([expect.objectContaining({ path: [refusal.path], extensions: { code: 'BAD_USER_INPUT' } })]);
        break;
      case 'input':
        expect(response.body.errors).toBeUndefined();
        expect(response.body.data?.[refusal.mutation]?.userErrors).toEqual([{ code: 'VALIDATION_FAILED', field: refusal.field.split('.') }]);
        break;
    }
    expect(await stored()).toEqual(before);
    // Every process is in this one, and pino writes to the recorder synchronously.
    expect(logged.slice(mark).filter((line) => line.level > INFO)).toEqual([]);
  });

  it('is refused the same way by a subgraph called directly', async () => {
    const lookups = { users: 'query ($s: String) { vendor(slug: $s) { id } }', catalog: 'query ($s: String) { product(slug: $s) { id } }' };
    for (const [name, query] of Object.entries(lookups) as [keyof typeof lookups, string][]) {
      const response = await platform.subgraphClient(name).request(query, { s: 'x\u0000' });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { message: 'The text at $s contains a NUL character or a broken Unicode sequence, which no field accepts.', extensions: { code: 'BAD_USER_INPUT' } },
      ]);
    }
  });
});
