import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEnv } from '../../platform/config/load-config.ts';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import type { GraphQLResponse } from '../support/graphql-client.ts';
import { manifestOf, sha256Hex } from '../support/partners.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Partners (issue 8, point 2): an admin registers a partner app and gets a key shown once; the
 * partner publishes a persisted-query manifest (mutation or `npm run pq:publish`) and may then run
 * only its operations, by id, through the gateway. Revoked keys stop at once (within the gateway's
 * PARTNER_KEY_CACHE_MS, short here), rotated ones at the end of their overlap.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CACHE_MS = 200;
const DEADLINE_MS = 8_000;
/** Each run of the script starts tsx cold: seconds apiece on a busy machine. */
const SCRIPT_TEST_TIMEOUT_MS = 120_000;
const PARTNERS_KEY_PREFIX = testRedisPrefix(`partners-e2e-${randomUUID().slice(0, 8)}`);

const REGISTER = `mutation($input: RegisterPartnerAppInput!) {
  registerPartnerApp(input: $input) { partnerApp { id name status } apiKey key { id prefix last4 notAfter revokedAt active } userErrors { code field message } }
}`;
const ROTATE = `mutation($input: RotatePartnerApiKeyInput!) {
  rotatePartnerApiKey(input: $input) { apiKey key { id notAfter } userErrors { code field message } }
}`;
const REVOKE = `mutation($input: RevokePartnerApiKeyInput!) {
  revokePartnerApiKey(input: $input) { key { id revokedAt active } userErrors { code field message } }
}`;
const PUBLISH = `mutation($input: PublishPartnerManifestInput!) {
  publishPartnerManifest(input: $input) { manifest { version operationCount operationNames } userErrors { code field message } }
}`;
const APP = `query($id: ID!) {
  partnerApp(id: $id) { id name apiKeys { id prefix last4 notAfter revokedAt active } manifest { version operationCount operationNames } }
}`;

const VENDORS_BODY = 'query PartnerVendors { vendors(first: 3) { totalCount } }';
const PRODUCTS_BODY = 'query PartnerProducts { products(first: 2) { totalCount } }';
const sha = sha256Hex;

interface Registered {
  appId: string;
  apiKey: string;
  keyId: string;
}

let platform: TestPlatform;
let usersDb: pg.Client;
let adminToken: string;
let customerToken: string;
let workDir: string;

beforeAll(async () => {
  const partners = { PARTNERS_KEY_PREFIX };
  platform = await bootPlatform({ env: { users: partners, gateway: { ...partners, PARTNER_KEY_CACHE_MS: String(CACHE_MS) } } });
  usersDb = new pg.Client(poolConfigFromUrl(testDatabaseUrl('users')));
  await usersDb.connect();
  adminToken = await platform.signAccessToken({ role: 'ADMIN' });
  customerToken = await platform.signAccessToken({ role: 'CUSTOMER' });
  workDir = mkdtempSync(path.join(tmpdir(), 'shop-partners-'));
});
afterAll(async () => {
  await usersDb?.end();
  await platform?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const admin = <T = Record<string, Record<string, unknown>>>(query: string, variables: Record<string, unknown>) =>
  platform.gateway.data<T>(query, variables, { token: adminToken });

async function register(name = `Partner ${randomUUID().slice(0, 6)}`): Promise<Registered> {
  const data = await admin<{ registerPartnerApp: { partnerApp: { id: string }; apiKey: string; key: { id: string }; userErrors: unknown[] } }>(REGISTER, {
    input: { name },
  });
  expect(data.registerPartnerApp.userErrors).toEqual([]);
  return { appId: data.registerPartnerApp.partnerApp.id, apiKey: data.registerPartnerApp.apiKey, keyId: data.registerPartnerApp.key.id };
}

async function publish(appId: string, manifest: unknown) {
  const data = await admin<{ publishPartnerManifest: { manifest: { version: number } | null; userErrors: { code: string; field: string[] | null }[] } }>(PUBLISH, {
    input: { partnerAppId: appId, manifest: JSON.stringify(manifest) },
  });
  return data.publishPartnerManifest;
}

/** A request as a partner sends it: the key header and the id only (or with `query`). */
function byId(apiKey: string, id: string | null, query?: string, headers: Record<string, string> = {}): Promise<GraphQLResponse<Record<string, unknown>>> {
  const body: Record<string, unknown> = {};
  if (id) body.extensions = { persistedQuery: { version: 1, sha256Hash: id } };
  if (query !== undefined) body.query = query;
  return platform.gateway.send(JSON.stringify(body), { headers: { 'x-api-key': apiKey, ...headers } });
}

const codeOf = (response: GraphQLResponse<unknown>) => response.body.errors?.[0]?.extensions?.code;
const countRows = async (sql: string, values: unknown[] = []) => Number((await usersDb.query<{ n: string }>(sql, values)).rows[0]?.n);

async function runScript(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: processEnv().PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDatabaseUrl('users'),
    REDIS_URL: testEnv.REDIS_URL,
    PARTNERS_KEY_PREFIX,
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/pq-publish.ts'), ...args], { env, cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('partner apps (admin mutations)', () => {
  it('registers an app and shows its key once; listings show only its prefix and dates', async () => {
    const { appId, apiKey, keyId } = await register('Acme Integrations');
    expect(apiKey).toMatch(/^shpk_[A-Za-z0-9_-]{43}$/);
    const stored = await usersDb.query<{ hash: string }>('select hash from partner_api_keys where id = $1', [keyId]);
    expect(stored.rows[0]?.hash).toBe(sha(apiKey));
    const app = await admin<{ partnerApp: { name: string; apiKeys: Record<string, unknown>[]; manifest: null } }>(APP, { id: appId });
    expect(app.partnerApp.name).toBe('Acme Integrations');
    expect(app.partnerApp.manifest).toBeNull();
    expect(app.partnerApp.apiKeys).toEqual([
      { id: keyId, prefix: apiKey.slice(0, 9), last4: apiKey.slice(-4), notAfter: null, revokedAt: null, active: true },
    ]);
    expect(JSON.stringify(app)).not.toContain(apiKey.slice(9, 30));
  });

  it('refuses non-admins with FORBIDDEN and changes nothing', async () => {
    const { appId, keyId } = await register();
    const before = {
      apps: await countRows('select count(*) as n from partner_apps'),
      keys: await countRows('select count(*) as n from partner_api_keys where app_id = $1', [appId]),
      revoked: await countRows('select count(*) as n from partner_api_keys where revoked_at is not null'),
    };
    const attempts: [string, Record<string, unknown>][] = [
      [REGISTER, { input: { name: 'Sneaky' } }],
      [ROTATE, { input: { partnerAppId: appId, overlapSeconds: 0 } }],
      [REVOKE, { input: { apiKeyId: keyId } }],
      [PUBLISH, { input: { partnerAppId: appId, manifest: JSON.stringify(manifestOf(['PartnerVendors', VENDORS_BODY])) } }],
    ];
    for (const [query, variables] of attempts) {
      for (const token of [customerToken, null]) {
        const response = await platform.gateway.request(query, variables, { token });
        expect(codeOf(response), query.slice(0, 40)).toBe(token ? 'FORBIDDEN' : 'UNAUTHENTICATED');
      }
    }
    expect(await countRows('select count(*) as n from partner_apps')).toBe(before.apps);
    expect(await countRows('select count(*) as n from partner_api_keys where app_id = $1', [appId])).toBe(before.keys);
    expect(await countRows('select count(*) as n from partner_api_keys where revoked_at is not null')).toBe(before.revoked);
    expect(await countRows('select count(*) as n from partner_manifests where app_id = $1', [appId])).toBe(0);
    expect(codeOf(await platform.gateway.request(APP, { id: appId }, { token: customerToken }))).toBe('FORBIDDEN');
  });

  it('refuses a bad manifest with userErrors at their paths and keeps the one in force', async () => {
    const { appId, apiKey } = await register();
    expect((await publish(appId, manifestOf(['PartnerVendors', VENDORS_BODY]))).manifest).toMatchObject({ version: 1, operationCount: 1 });
    const good = manifestOf(['PartnerProducts', PRODUCTS_BODY]).operations[0];
    const bad = [
      { format: 'something-else', version: 1, operations: [] },
      { ...manifestOf(), operations: [{ ...good, id: sha('another body') }] },
      { ...manifestOf(), operations: [{ ...good, type: 'mutation' }] },
      { ...manifestOf(), operations: [{ ...good, name: 'Renamed' }] },
      { ...manifestOf(), operations: [good, good] },
      { ...manifestOf(), operations: [{ id: sha('query {'), name: 'Broken', type: 'query', body: 'query {' }] },
      manifestOf(['Two', `${PRODUCTS_BODY} query Two { __typename }`]),
    ];
    for (const manifest of bad) {
      const result = await publish(appId, manifest);
      expect(result.manifest, JSON.stringify(manifest).slice(0, 80)).toBeNull();
      expect(result.userErrors[0]?.code).toBe('PARTNER_MANIFEST_INVALID');
      expect(result.userErrors[0]?.field?.slice(0, 2)).toEqual(['input', 'manifest']);
    }
    const notJson = await admin<{ publishPartnerManifest: { userErrors: { code: string }[] } }>(PUBLISH, { input: { partnerAppId: appId, manifest: '{nope' } });
    expect(notJson.publishPartnerManifest.userErrors[0]?.code).toBe('PARTNER_MANIFEST_INVALID');
    const row = await usersDb.query<{ version: number }>('select version from partner_manifests where app_id = $1', [appId]);
    expect(row.rows[0]?.version).toBe(1);
    // The partner still runs the published operation and nothing from the refused ones.
    expect((await byId(apiKey, sha(VENDORS_BODY))).status).toBe(200);
    expect(codeOf(await byId(apiKey, sha(PRODUCTS_BODY)))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });
});

describe('a partner through the gateway', () => {
  it('runs operations of its manifest by id, and nothing else', async () => {
    const { appId, apiKey } = await register();
    // No manifest yet: nothing runs.
    expect(codeOf(await byId(apiKey, sha(VENDORS_BODY)))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect((await publish(appId, manifestOf(['PartnerVendors', VENDORS_BODY]))).userErrors).toEqual([]);

    const listed = await waitFor('the published manifest to reach the gateway', async () => {
      const response = await byId(apiKey, sha(VENDORS_BODY));
      return response.status === 200 ? response : undefined;
    }, { timeoutMs: DEADLINE_MS });
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data).toEqual({ vendors: { totalCount: expect.any(Number) } });
    // The id with its own body is fine too.
    expect((await byId(apiKey, sha(VENDORS_BODY), VENDORS_BODY)).body.data).toEqual(listed.body.data);

    const outside = await byId(apiKey, sha(PRODUCTS_BODY));
    expect(outside.status).toBe(403);
    expect(codeOf(outside)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(outside.body.data).toBeUndefined();
    const freeForm = await byId(apiKey, null, PRODUCTS_BODY);
    expect(freeForm.status).toBe(400);
    expect(codeOf(freeForm)).toBe('PERSISTED_QUERY_ID_REQUIRED');
    const swapped = await byId(apiKey, sha(VENDORS_BODY), PRODUCTS_BODY);
    expect(swapped.status).toBe(403);
    expect(codeOf(swapped)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // A mutation is refused the same way, and never runs.
    const mutation = await byId(apiKey, null, 'mutation { registerPartnerApp(input: { name: "x" }) { apiKey } }');
    expect(codeOf(mutation)).toBe('PERSISTED_QUERY_ID_REQUIRED');
  });

  it('publishes with npm run pq:publish: the same validation, and the partner runs the new operations', async () => {
    const { appId, apiKey } = await register();
    const file = path.join(workDir, `${appId}.json`);
    writeFileSync(file, JSON.stringify(manifestOf(['PartnerVendors', VENDORS_BODY], ['PartnerProducts', PRODUCTS_BODY])));
    const published = await runScript(['--partner', appId, file]);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain('Published manifest version 1');
    expect(published.stdout).toContain('PartnerProducts');
    const response = await waitFor('the script-published manifest to reach the gateway', async () => {
      const answer = await byId(apiKey, sha(PRODUCTS_BODY));
      return answer.status === 200 ? answer : undefined;
    }, { timeoutMs: DEADLINE_MS });
    expect(response.body.data).toEqual({ products: { totalCount: expect.any(Number) } });

    const badFile = path.join(workDir, `${appId}-bad.json`);
    writeFileSync(badFile, JSON.stringify({ ...manifestOf(), operations: [{ id: 'abc', name: 'X', type: 'query', body: '{ __typename }' }] }));
    const refused = await runScript(['--partner', appId, badFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('PARTNER_MANIFEST_INVALID');
    expect(refused.stderr).toContain('input.manifest.operations.0');
    const row = await usersDb.query<{ version: number }>('select version from partner_manifests where app_id = $1', [appId]);
    expect(row.rows[0]?.version).toBe(1);
  }, SCRIPT_TEST_TIMEOUT_MS);

  it('refuses unknown, malformed and revoked keys with 401 INVALID_API_KEY, and a key with a bearer token', async () => {
    const { appId, apiKey, keyId } = await register();
    await publish(appId, manifestOf(['PartnerVendors', VENDORS_BODY]));
    for (const key of ['nope', `shpk_${'A'.repeat(43)}`, `${apiKey}x`]) {
      const response = await byId(key, sha(VENDORS_BODY));
      expect(response.status, key).toBe(401);
      expect(codeOf(response)).toBe('INVALID_API_KEY');
    }
    const both = await byId(apiKey, sha(VENDORS_BODY), undefined, { authorization: `Bearer ${customerToken}` });
    expect(both.status).toBe(400);
    expect(codeOf(both)).toBe('BAD_REQUEST');

    await waitFor('the key to work', async () => (await byId(apiKey, sha(VENDORS_BODY))).status === 200, { timeoutMs: DEADLINE_MS });
    const revoked = await admin<{ revokePartnerApiKey: { key: { revokedAt: string | null; active: boolean }; userErrors: unknown[] } }>(REVOKE, { input: { apiKeyId: keyId } });
    expect(revoked.revokePartnerApiKey.userErrors).toEqual([]);
    expect(revoked.revokePartnerApiKey.key.active).toBe(false);
    const refused = await waitFor('the revoked key to be refused', async () => {
      const response = await byId(apiKey, sha(VENDORS_BODY));
      return response.status === 401 ? response : undefined;
    }, { timeoutMs: DEADLINE_MS });
    expect(codeOf(refused)).toBe('INVALID_API_KEY');
    expect(refused.body.data).toBeUndefined();
    const again = await admin<{ revokePartnerApiKey: { userErrors: { code: string }[] } }>(REVOKE, { input: { apiKeyId: keyId } });
    expect(again.revokePartnerApiKey.userErrors[0]?.code).toBe('PARTNER_API_KEY_ALREADY_REVOKED');
  });

  it('keeps a rotated key working during the overlap and refuses it after; the new key works', async () => {
    const { appId, apiKey: oldKey } = await register();
    await publish(appId, manifestOf(['PartnerVendors', VENDORS_BODY]));
    await waitFor('the first key to work', async () => (await byId(oldKey, sha(VENDORS_BODY))).status === 200, { timeoutMs: DEADLINE_MS });

    const outOfRange = await admin<{ rotatePartnerApiKey: { apiKey: string | null; userErrors: { code: string }[] } }>(ROTATE, {
      input: { partnerAppId: appId, overlapSeconds: 8 * 24 * 3600 },
    });
    expect(outOfRange.rotatePartnerApiKey.apiKey).toBeNull();
    expect(outOfRange.rotatePartnerApiKey.userErrors[0]?.code).toBe('PARTNER_KEY_OVERLAP_OUT_OF_RANGE');

    const overlapSeconds = 5;
    // The overlap ends `overlapSeconds` after the service read its clock, so no sooner than that after the request was sent.
    const sentAt = Date.now();
    const rotated = await admin<{ rotatePartnerApiKey: { apiKey: string; userErrors: unknown[] } }>(ROTATE, { input: { partnerAppId: appId, overlapSeconds } });
    expect(rotated.rotatePartnerApiKey.userErrors).toEqual([]);
    const newKey = rotated.rotatePartnerApiKey.apiKey;
    expect(newKey).not.toBe(oldKey);

    // During the overlap both keys work.
    expect((await byId(oldKey, sha(VENDORS_BODY))).status).toBe(200);
    expect((await byId(newKey, sha(VENDORS_BODY))).status).toBe(200);
    expect(Date.now() - sentAt).toBeLessThan(overlapSeconds * 1000);

    const refused = await waitFor('the old key to be refused after the overlap', async () => {
      const response = await byId(oldKey, sha(VENDORS_BODY));
      return response.status === 401 ? response : undefined;
    }, { timeoutMs: overlapSeconds * 1000 + DEADLINE_MS });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(overlapSeconds * 1000);
    expect(codeOf(refused)).toBe('INVALID_API_KEY');
    expect((await byId(newKey, sha(VENDORS_BODY))).status).toBe(200);

    const app = await admin<{ partnerApp: { apiKeys: { active: boolean; notAfter: string | null }[] } }>(APP, { id: appId });
    expect(app.partnerApp.apiKeys.map((key) => key.active)).toEqual([true, false]);
    expect(app.partnerApp.apiKeys[0]?.notAfter).toBeNull();
  });
});
