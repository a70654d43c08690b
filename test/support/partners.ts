import { createHash } from 'node:crypto';
import type { TestPlatform } from './platform.ts';

export const sha256Hex = (body: string) => createHash('sha256').update(body, 'utf8').digest('hex');

/** An Apollo persisted-query manifest of named queries: `[name, body]` pairs, ids the bodies' sha256. */
export function manifestOf(...bodies: [name: string, body: string][]) {
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: bodies.map(([name, body]) => ({ id: sha256Hex(body), name, type: 'query', body })),
  };
}

/** The body of a request that runs a manifest operation by id alone, as a partner sends it. */
export const byIdBody = (body: string) => JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(body) } } });

const REGISTER = `mutation($input: RegisterPartnerAppInput!) {
  registerPartnerApp(input: $input) { partnerApp { id } apiKey userErrors { code message } }
}`;
const PUBLISH = `mutation($input: PublishPartnerManifestInput!) {
  publishPartnerManifest(input: $input) { manifest { version } userErrors { code message } }
}`;

interface Registered {
  registerPartnerApp: { partnerApp: { id: string } | null; apiKey: string | null; userErrors: unknown[] };
}
interface Published {
  publishPartnerManifest: { manifest: { version: number } | null; userErrors: unknown[] };
}

/** As an admin: registers a partner app and publishes `manifest` for it; its id and API key. */
export async function registerPartner(platform: TestPlatform, name: string, manifest: ReturnType<typeof manifestOf>): Promise<{ appId: string; apiKey: string }> {
  const token = await platform.signAccessToken({ role: 'ADMIN' });
  const registered = await platform.gateway.data<Registered>(REGISTER, { input: { name } }, { token });
  const { partnerApp, apiKey, userErrors } = registered.registerPartnerApp;
  if (!partnerApp || !apiKey) throw new Error(`registerPartnerApp failed: ${JSON.stringify(userErrors)}`);
  const published = await platform.gateway.data<Published>(PUBLISH, { input: { partnerAppId: partnerApp.id, manifest: JSON.stringify(manifest) } }, { token });
  if (!published.publishPartnerManifest.manifest) throw new Error(`publishPartnerManifest failed: ${JSON.stringify(published.publishPartnerManifest.userErrors)}`);
  return { appId: partnerApp.id, apiKey };
}
