import { z } from 'zod';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import { cursorField } from '../../../platform/pagination/cursor-fields.ts';
import { asAdmin } from '../domain/access.ts';
import { UsersErrorCodes } from '../domain/error-codes.ts';
import {
  isKeyUsable,
  parseManifest,
  parsePartnerAppName,
  rotationEnd,
  storedKeyParts,
  type OperationInspector,
  type PartnerApiKey,
  type PartnerApp,
  type PartnerManifest,
} from '../domain/partner-app.ts';
import type { PartnerAppRepository } from '../infra/partner-app.repository.ts';
import type { PartnerMirror } from '../infra/partner-mirror.ts';
import type { UsersScope } from './scope.ts';

/** A key as the admin sees it once: the stored record and, only in the answer that made it, the key itself. */
export interface IssuedKey {
  partnerApp: PartnerApp;
  /** The plaintext key; shown once, never stored. */
  apiKey: string;
  key: PartnerApiKey;
}

export interface PublishedManifest {
  partnerApp: PartnerApp;
  manifest: PartnerManifest;
}

export interface PartnerAppService {
  register(scope: UsersScope, input: { name: string }): Promise<Result<IssuedKey>>;
  /** A new key; every other live key of the app ends `overlapSeconds` from now (0 to a week). */
  rotateKey(scope: UsersScope, input: { partnerAppId: string; overlapSeconds: number }): Promise<Result<IssuedKey>>;
  /** Refused at every gateway at once (within PARTNER_KEY_CACHE_MS): the mirror entry goes first. */
  revokeKey(scope: UsersScope, input: { apiKeyId: string }): Promise<Result<{ key: PartnerApiKey }>>;
  /** `manifest`: the manifest's JSON text, or the parsed JSON value. */
  publishManifest(scope: UsersScope, input: { partnerAppId: string; manifest: unknown }): Promise<Result<PublishedManifest>>;
  /** The same publish for an operator's script (npm run pq:publish), which holds the subgraph's own config instead of a token. */
  publishManifestAsOperator(input: { partnerAppId: string; manifest: unknown }, logger: Logger): Promise<Result<PublishedManifest>>;
  find(scope: UsersScope, id: string): Promise<PartnerApp | null>;
  list(scope: UsersScope, args: ConnectionArgs): Promise<Connection<PartnerApp>>;
  /** The app's newest keys (at most MAX_LISTED_KEYS), newest first. */
  keys(scope: UsersScope, app: PartnerApp): Promise<PartnerApiKey[]>;
  manifest(scope: UsersScope, app: PartnerApp): Promise<PartnerManifest | null>;
  /** Rewrites the Redis mirror from Postgres (start-up, and the script): heals a crash between the two writes. */
  resyncMirror(logger: Logger): Promise<{ keys: number; removed: number; manifests: number }>;
}

/** How many keys a partner app lists (newest first): rotations accumulate ended keys nobody needs to page through. */
export const MAX_LISTED_KEYS = 20;

const appCursor = z.object({ createdAt: cursorField.timestamp(), id: cursorField.id() });
const logger = (scope: { logger: Logger }): Logger => scope.logger.child({ component: 'PartnerAppService' });
const appNotFound = () => fail(userError(UsersErrorCodes.PARTNER_APP_NOT_FOUND, 'No partner app has this id.', ['input', 'partnerAppId']));

/**
 * Writes go to Postgres first, then to the Redis mirror the gateway reads; a revocation goes the
 * other way (mirror first), so a failure between the two never leaves a revoked key working. A
 * failed mirror write fails the mutation (the admin retries; the write is idempotent) and
 * `resyncMirror` at the next start heals whatever is left.
 */
export function createPartnerAppService(deps: {
  partnerApps: PartnerAppRepository;
  mirror: PartnerMirror;
  inspectOperations: OperationInspector;
  newApiKey: () => string;
  now: () => Date;
}): PartnerAppService {
  const { partnerApps, mirror } = deps;

  async function publish(partnerAppId: string, raw: unknown, log: Logger): Promise<Result<PublishedManifest>> {
    const app = isUuid(partnerAppId) ? await partnerApps.findById(partnerAppId) : null;
    if (!app) return appNotFound();
    const operations = parseManifest(raw, deps.inspectOperations, ['input', 'manifest']);
    if (!operations.ok) return operations;
    const manifest = await partnerApps.publishManifest(app.id, operations.value, deps.now());
    await mirror.putManifest(app.id, manifest.operations);
    log.info({ partnerAppId: app.id, version: manifest.version, operations: manifest.operations.length }, 'partner manifest published');
    return ok({ partnerApp: app, manifest });
  }

  return {
    async register(scope, input) {
      const admin = valueOrThrow(asAdmin(scope.viewer));
      const name = parsePartnerAppName(input.name, ['input', 'name']);
      if (!name.ok) return name;
      const apiKey = deps.newApiKey();
      const { app, key } = await partnerApps.create({ name: name.value, key: storedKeyParts(apiKey) });
      await mirror.putKey({ hash: key.hash, appId: app.id, keyId: key.id, notAfter: key.notAfter });
      logger(scope).info({ partnerAppId: app.id, keyId: key.id, by: admin.userId }, 'partner app registered');
      return ok({ partnerApp: app, apiKey, key });
    },
    async rotateKey(scope, input) {
      const admin = valueOrThrow(asAdmin(scope.viewer));
      const now = deps.now();
      const endAt = rotationEnd(input.overlapSeconds, now, ['input', 'overlapSeconds']);
      if (!endAt.ok) return endAt;
      const app = isUuid(input.partnerAppId) ? await partnerApps.findById(input.partnerAppId) : null;
      if (!app) return appNotFound();
      const apiKey = deps.newApiKey();
      const { key, shortened } = await partnerApps.rotate(app.id, storedKeyParts(apiKey), endAt.value);
      await mirror.putKey({ hash: key.hash, appId: app.id, keyId: key.id, notAfter: key.notAfter });
      // The old keys' mirror entries now expire at the end of the overlap (or go at once for 0).
      for (const old of shortened) await mirror.putKey({ hash: old.hash, appId: app.id, keyId: old.id, notAfter: old.notAfter });
      logger(scope).info({ partnerAppId: app.id, keyId: key.id, ended: shortened.map((old) => old.id), endAt: endAt.value, by: admin.userId }, 'partner key rotated');
      return ok({ partnerApp: app, apiKey, key });
    },
    async revokeKey(scope, input) {
      const admin = valueOrThrow(asAdmin(scope.viewer));
      const key = isUuid(input.apiKeyId) ? await partnerApps.findKey(input.apiKeyId) : null;
      if (!key) return fail(userError(UsersErrorCodes.PARTNER_API_KEY_NOT_FOUND, 'No API key has this id.', ['input', 'apiKeyId']));
      if (key.revokedAt) return fail(userError(UsersErrorCodes.PARTNER_API_KEY_ALREADY_REVOKED, 'This key is already revoked.', ['input', 'apiKeyId']));
      // Mirror first: if Postgres fails next, the key is already refused everywhere.
      await mirror.deleteKeys([key.hash]);
      const revoked = await partnerApps.revokeKey(key.id, deps.now());
      // Again after the commit: a resync that read the key before it (another instance starting)
      // may have written it back meanwhile.
      await mirror.deleteKeys([key.hash]);
      if (!revoked) return fail(userError(UsersErrorCodes.PARTNER_API_KEY_ALREADY_REVOKED, 'This key is already revoked.', ['input', 'apiKeyId']));
      logger(scope).info({ partnerAppId: key.appId, keyId: key.id, by: admin.userId }, 'partner key revoked');
      return ok({ key: revoked });
    },
    async publishManifest(scope, input) {
      valueOrThrow(asAdmin(scope.viewer));
      return publish(input.partnerAppId, input.manifest, logger(scope));
    },
    publishManifestAsOperator: (input, log) => publish(input.partnerAppId, input.manifest, log.child({ component: 'PartnerAppService', by: 'operator' })),
    async find(scope, id) {
      valueOrThrow(asAdmin(scope.viewer));
      return isUuid(id) ? partnerApps.findById(id) : null;
    },
    async list(scope, args) {
      valueOrThrow(asAdmin(scope.viewer));
      scope.signal.throwIfAborted();
      const page = valueOrThrow(pageRequest(args, appCursor));
      const { rows, totalCount } = await partnerApps.list({ limit: page.limit, after: page.after });
      return toConnection(rows, page, totalCount, (app) => ({ createdAt: app.createdAt.toISOString(), id: app.id }));
    },
    async keys(scope, app) {
      valueOrThrow(asAdmin(scope.viewer));
      const keys = await scope.loaders.partnerKeysByAppId.load(app.id);
      return [...keys].reverse().slice(0, MAX_LISTED_KEYS);
    },
    async manifest(scope, app) {
      valueOrThrow(asAdmin(scope.viewer));
      return scope.loaders.partnerManifestByAppId.load(app.id);
    },
    async resyncMirror(log) {
      const now = deps.now();
      const source = await partnerApps.mirrorSource(now);
      const usable = source.keys.filter((key) => isKeyUsable(key, key.appStatus, now));
      const unusable = source.keys.filter((key) => !isKeyUsable(key, key.appStatus, now)).map((key) => key.hash);
      await mirror.deleteKeys([...source.revokedHashes, ...unusable]);
      for (const key of usable) await mirror.putKey({ hash: key.hash, appId: key.appId, keyId: key.id, notAfter: key.notAfter });
      for (const manifest of source.manifests) await mirror.putManifest(manifest.appId, manifest.operations);
      // A key revoked while this ran may have been written back above; its revocation is committed
      // by now, so one more read of the revoked keys settles it.
      await mirror.deleteKeys(await partnerApps.revokedHashes());
      const counts = { keys: usable.length, removed: source.revokedHashes.length + unusable.length, manifests: source.manifests.length };
      log.child({ component: 'PartnerAppService' }).info(counts, 'partner mirror resynced from Postgres');
      return counts;
    },
  };
}
