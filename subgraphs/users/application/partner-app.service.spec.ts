import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { Result } from '../../../platform/errors/result.ts';
import { createPartnerAppRepository } from '../infra/partner-app.repository.ts';
import { inspectOperations } from '../infra/operation-inspector.ts';
import { newPartnerApiKey } from '../infra/partner-key.ts';
import { createPartnerMirror } from '../infra/partner-mirror.ts';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';
import { createPartnerAppService } from './partner-app.service.ts';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const BODY = 'query Vendors { vendors(first: 1) { totalCount } }';
const MANIFEST = JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha(BODY), name: 'Vendors', type: 'query', body: BODY }] });

let h: UsersHarness;
let admin: Viewer;
let customer: Viewer;

beforeAll(async () => {
  h = await createUsersHarness({ scope: 'partner-apps' });
  admin = await h.createAccount({ role: 'ADMIN' });
  customer = await h.createAccount();
});
afterAll(async () => {
  await h?.close();
});

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

const service = () => h.services.partnerApps;
const mirrored = (key: string) => h.partnersRedis.get(`key:${sha(key)}`);
const register = async () => value(await service().register(h.scope(admin), { name: 'Spec Partner' }));

describe('PartnerAppService', () => {
  it('registers: Postgres, then the mirror entry the gateway reads (no expiry)', async () => {
    const issued = await register();
    const row = await h.prisma.partnerApiKey.findUnique({ where: { id: issued.key.id } });
    expect(row?.hash).toBe(sha(issued.apiKey));
    expect(JSON.parse((await mirrored(issued.apiKey)) ?? 'null')).toEqual({ appId: issued.partnerApp.id, keyId: issued.key.id, notAfter: null });
    expect(await h.partnersRedis.pttl(`key:${sha(issued.apiKey)}`)).toBe(-1);
  });

  it('rotates: the old keys expire in the mirror at the end of the overlap, the new one does not', async () => {
    const first = await register();
    const second = value(await service().rotateKey(h.scope(admin), { partnerAppId: first.partnerApp.id, overlapSeconds: 600 }));
    const ttl = await h.partnersRedis.pttl(`key:${sha(first.apiKey)}`);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    expect(await h.partnersRedis.pttl(`key:${sha(second.apiKey)}`)).toBe(-1);
    // A second rotation with a longer overlap never extends the first key.
    value(await service().rotateKey(h.scope(admin), { partnerAppId: first.partnerApp.id, overlapSeconds: 3600 }));
    const row = await h.prisma.partnerApiKey.findUnique({ where: { id: first.key.id } });
    expect(row?.notAfter?.getTime()).toBeLessThanOrEqual(h.clock.now().getTime() + 600_000);
    // Overlap 0 ends the others at once.
    const third = value(await service().rotateKey(h.scope(admin), { partnerAppId: first.partnerApp.id, overlapSeconds: 0 }));
    expect(await mirrored(second.apiKey)).toBeNull();
    expect(await mirrored(third.apiKey)).not.toBeNull();
  });

  it('revokes: the mirror entry goes first, so a failing database write still leaves the key refused', async () => {
    const issued = await register();
    const failing = createPartnerAppService({
      partnerApps: { ...createPartnerAppRepository(h.prisma), revokeKey: () => Promise.reject(new Error('database down')) },
      mirror: createPartnerMirror(h.partnersRedis, h.logger),
      inspectOperations,
      newApiKey: newPartnerApiKey,
      now: () => h.clock.now(),
    });
    await expect(failing.revokeKey(h.scope(admin), { apiKeyId: issued.key.id })).rejects.toThrow('database down');
    expect(await mirrored(issued.apiKey)).toBeNull();

    const revoked = value(await service().revokeKey(h.scope(admin), { apiKeyId: issued.key.id }));
    expect(revoked.key.revokedAt).not.toBeNull();
    const again = await service().revokeKey(h.scope(admin), { apiKeyId: issued.key.id });
    expect(again.ok ? null : again.errors[0]?.code).toBe('PARTNER_API_KEY_ALREADY_REVOKED');
  });

  it('resyncs the mirror from Postgres: lost writes come back, revoked keys go', async () => {
    const live = await register();
    const revoked = await register();
    value(await service().publishManifest(h.scope(admin), { partnerAppId: live.partnerApp.id, manifest: MANIFEST }));
    value(await service().revokeKey(h.scope(admin), { apiKeyId: revoked.key.id }));
    // A crash between the Postgres write and the mirror write, and a stale entry left behind.
    await h.partnersRedis.del(`key:${sha(live.apiKey)}`, `manifest:${live.partnerApp.id}`);
    await h.partnersRedis.set(`key:${sha(revoked.apiKey)}`, JSON.stringify({ appId: revoked.partnerApp.id, keyId: revoked.key.id, notAfter: null }));

    await service().resyncMirror(h.logger);
    expect(await mirrored(live.apiKey)).not.toBeNull();
    expect(await mirrored(revoked.apiKey)).toBeNull();
    expect(await h.partnersRedis.hget(`manifest:${live.partnerApp.id}`, sha(BODY))).toBe(BODY);
  });

  it('publishes a manifest to Postgres and the mirror; a bad one changes neither', async () => {
    const issued = await register();
    const appId = issued.partnerApp.id;
    const published = value(await service().publishManifest(h.scope(admin), { partnerAppId: appId, manifest: MANIFEST }));
    expect(published.manifest.version).toBe(1);
    const bad = await service().publishManifest(h.scope(admin), { partnerAppId: appId, manifest: MANIFEST.replace(sha(BODY), sha('x')) });
    expect(bad.ok ? null : bad.errors[0]?.code).toBe('PARTNER_MANIFEST_INVALID');
    expect((await h.prisma.partnerManifest.findUnique({ where: { appId } }))?.version).toBe(1);
    expect(await h.partnersRedis.hgetall(`manifest:${appId}`)).toEqual({ [sha(BODY)]: BODY });
    const unknown = await service().publishManifest(h.scope(admin), { partnerAppId: '00000000-0000-4000-8000-000000000000', manifest: MANIFEST });
    expect(unknown.ok ? null : unknown.errors[0]?.code).toBe('PARTNER_APP_NOT_FOUND');
  });

  it('is for administrators only, and a refusal changes nothing', async () => {
    const issued = await register();
    const before = await h.prisma.partnerApp.count();
    for (const viewer of [customer, null]) {
      await expect(service().register(h.scope(viewer), { name: 'No' })).rejects.toThrow();
      await expect(service().rotateKey(h.scope(viewer), { partnerAppId: issued.partnerApp.id, overlapSeconds: 0 })).rejects.toThrow();
      await expect(service().revokeKey(h.scope(viewer), { apiKeyId: issued.key.id })).rejects.toThrow();
      await expect(service().publishManifest(h.scope(viewer), { partnerAppId: issued.partnerApp.id, manifest: MANIFEST })).rejects.toThrow();
      await expect(service().list(h.scope(viewer), {})).rejects.toThrow();
    }
    expect(await h.prisma.partnerApp.count()).toBe(before);
    expect(await h.prisma.partnerApiKey.count({ where: { appId: issued.partnerApp.id } })).toBe(1);
    expect((await h.prisma.partnerApiKey.findUnique({ where: { id: issued.key.id } }))?.revokedAt).toBeNull();
    expect(await h.prisma.partnerManifest.findUnique({ where: { appId: issued.partnerApp.id } })).toBeNull();
    expect(await mirrored(issued.apiKey)).not.toBeNull();
  });
});
