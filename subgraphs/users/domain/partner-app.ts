import { createHash } from 'node:crypto';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { textError } from '../../../platform/validation/text.ts';
import { UsersErrorCodes } from './error-codes.ts';

/** Whether a partner app may call: a DISABLED app's keys are refused like unknown ones. */
export type PartnerAppStatus = 'ACTIVE' | 'DISABLED';

export interface PartnerApp {
  id: string;
  name: string;
  status: PartnerAppStatus;
  createdAt: Date;
}

/** A key as stored and shown: never the key itself, only its hash and what identifies it to a person. */
export interface PartnerApiKey {
  id: string;
  appId: string;
  /** sha256 hex of the whole key. */
  hash: string;
  /** The key's first characters (`shpk_` and four more), to tell keys apart on screen. */
  prefix: string;
  last4: string;
  createdAt: Date;
  /** The end of a rotation's overlap; null while the key has no end. */
  notAfter: Date | null;
  revokedAt: Date | null;
}

/** One operation of a persisted-query manifest, as Apollo's tools write it. */
export interface ManifestOperation {
  /** sha256 hex of `body`: the id clients send as `extensions.persistedQuery.sha256Hash`. */
  id: string;
  name: string;
  type: OperationType;
  body: string;
}

export type OperationType = 'query' | 'mutation' | 'subscription';

export interface PartnerManifest {
  appId: string;
  operations: ManifestOperation[];
  version: number;
  publishedAt: Date;
}

/** Every key starts with this, so a leaked one is recognisable by secret scanners and by people. */
export const API_KEY_PREFIX = 'shpk_';
/** 32 random bytes in base64url, without padding. */
export const API_KEY_PATTERN = /^shpk_[A-Za-z0-9_-]{43}$/;
/** How many characters of the key are kept for display (`shpk_` plus four). */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 4;

/** A rotation keeps old keys working for at most a week: long enough to redeploy a partner's fleet. */
export const MAX_ROTATION_OVERLAP_SECONDS = 7 * 24 * 60 * 60;
export const MAX_MANIFEST_OPERATIONS = 1_000;
/** One operation's body, in UTF-8 bytes. */
export const MAX_OPERATION_BODY_BYTES = 32 * 1024;
/** The whole manifest as JSON, in UTF-8 bytes. */
export const MAX_MANIFEST_BYTES = 2 * 1024 * 1024;
const NAME_MAX = 100;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const OPERATION_TYPES: readonly OperationType[] = ['query', 'mutation', 'subscription'];

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Whether a presented string can be a key at all: checked before anything is looked up. */
export const looksLikeApiKey = (key: string): boolean => API_KEY_PATTERN.test(key);

/** What is stored of a new key: its hash and the parts shown to a person. */
export function storedKeyParts(key: string): { hash: string; prefix: string; last4: string } {
  return { hash: sha256Hex(key), prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), last4: key.slice(-4) };
}

/** Whether the key lets its app call at `now`: not revoked, not past its rotation overlap, app active. */
export function isKeyUsable(key: Pick<PartnerApiKey, 'notAfter' | 'revokedAt'>, appStatus: PartnerAppStatus, now: Date): boolean {
  if (appStatus !== 'ACTIVE' || key.revokedAt) return false;
  return key.notAfter === null || key.notAfter.getTime() > now.getTime();
}

/** A partner app's display name: one line, 1 to 100 characters. */
export function parsePartnerAppName(raw: string, field: string[]): Result<string> {
  const name = raw.trim();
  const length = [...name].length;
  if (length === 0 || length > NAME_MAX) return fail(userError(ErrorCodes.VALIDATION_FAILED, `Give the app a name of 1 to ${NAME_MAX} characters.`, field));
  const error = textError(name, 'line', field, 'The name');
  return error ? fail(error) : ok(name);
}

/**
 * When the keys a rotation replaces stop working: `overlapSeconds` from now, 0 to a week. A key
 * that already ends sooner keeps its earlier end (a rotation never extends a key).
 */
export function rotationEnd(overlapSeconds: number, now: Date, field: string[]): Result<Date> {
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_ROTATION_OVERLAP_SECONDS) {
    return fail(
      userError(
        UsersErrorCodes.PARTNER_KEY_OVERLAP_OUT_OF_RANGE,
        `The overlap must be a whole number of seconds from 0 to ${MAX_ROTATION_OVERLAP_SECONDS} (a week).`,
        field,
      ),
    );
  }
  return ok(new Date(now.getTime() + overlapSeconds * 1000));
}

/** What the document parser says about an operation body (infra implements it with graphql-js). */
export type OperationInspection = { ok: true; operations: { type: OperationType; name: string | null }[] } | { ok: false; message: string };

/** Parses a body; injected so this module stays free of GraphQL. */
export type OperationInspector = (body: string) => OperationInspection;

const manifestError = (message: string, field: string[]): UserError => userError(UsersErrorCodes.PARTNER_MANIFEST_INVALID, message, field);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A manifest in Apollo's persisted-query manifest format
 * (`{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, name, type, body }] }`),
 * given as JSON text or as an already parsed value. Every operation's id must be the sha256 hex of
 * its body, its body one operation of its type and name; ids and names are unique; counts and sizes
 * are bounded. Every problem is reported (up to 20), each at its path under `field`.
 */
export function parseManifest(raw: unknown, inspect: OperationInspector, field: string[]): Result<ManifestOperation[]> {
  let value = raw;
  if (typeof raw === 'string') {
    if (Buffer.byteLength(raw, 'utf8') > MAX_MANIFEST_BYTES) return fail(manifestError(`The manifest is larger than ${MAX_MANIFEST_BYTES} bytes.`, field));
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      return fail(manifestError('The manifest is not valid JSON.', field));
    }
  } else if (Buffer.byteLength(JSON.stringify(raw) ?? '', 'utf8') > MAX_MANIFEST_BYTES) {
    return fail(manifestError(`The manifest is larger than ${MAX_MANIFEST_BYTES} bytes.`, field));
  }
  if (!isRecord(value) || value.format !== 'apollo-persisted-query-manifest' || value.version !== 1) {
    return fail(manifestError('Expected an Apollo persisted-query manifest: { "format": "apollo-persisted-query-manifest", "version": 1, "operations": [...] }.', field));
  }
  const list = value.operations;
  if (!Array.isArray(list)) return fail(manifestError('"operations" must be a list.', [...field, 'operations']));
  if (list.length === 0) return fail(manifestError('The manifest lists no operations.', [...field, 'operations']));
  if (list.length > MAX_MANIFEST_OPERATIONS) {
    return fail(manifestError(`The manifest lists ${list.length} operations; at most ${MAX_MANIFEST_OPERATIONS} are allowed.`, [...field, 'operations']));
  }

  const errors: UserError[] = [];
  const operations: ManifestOperation[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  list.forEach((entry: unknown, index) => {
    const at = [...field, 'operations', String(index)];
    const problem = (message: string) => errors.push(manifestError(`Operation ${index + 1}: ${message}`, at));
    if (!isRecord(entry)) return problem('must be an object with id, name, type and body.');
    const { id, name, type, body } = entry;
    if (typeof id !== 'string' || typeof name !== 'string' || typeof type !== 'string' || typeof body !== 'string') {
      return problem('id, name, type and body must all be strings.');
    }
    if (!OPERATION_TYPES.includes(type as OperationType)) return problem(`type must be one of ${OPERATION_TYPES.join(', ')}.`);
    if (Buffer.byteLength(body, 'utf8') > MAX_OPERATION_BODY_BYTES) return problem(`the body is larger than ${MAX_OPERATION_BODY_BYTES} bytes.`);
    if (!SHA256_HEX.test(id) || id !== sha256Hex(body)) return problem('the id is not the sha256 (lower-case hex) of the body.');
    if (ids.has(id)) return problem('the same operation is listed twice.');
    if (names.has(name)) return problem(`another operation is already named "${name}".`);
    const inspection = inspect(body);
    if (!inspection.ok) return problem(`the body does not parse: ${inspection.message}`);
    if (inspection.operations.length !== 1) return problem('the body must hold exactly one operation (fragments are fine).');
    const [operation] = inspection.operations;
    if (operation?.type !== type) return problem(`the body is a ${operation?.type ?? 'nothing'}, not a ${type}.`);
    if (operation.name !== name) return problem(`the body's operation is named ${operation.name ? `"${operation.name}"` : 'nothing'}, not "${name}".`);
    ids.add(id);
    names.add(name);
    operations.push({ id, name, type: operation.type, body });
  });
  if (errors.length > 0) return fail(...errors.slice(0, 20));
  return ok(operations);
}
