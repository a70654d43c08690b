import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { textError } from '../../../platform/validation/text.ts';
import type { VendorStatus } from './vendor.process.ts';

/** A store: an application until an admin approves it, then a public vendor. */
export interface Vendor {
  id: string;
  ownerId: string;
  name: string;
  slug: string;
  description: string | null;
  status: VendorStatus;
  /** Why an admin rejected or suspended it; for its owner and admins only. */
  statusReason: string | null;
  decidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const MIN_SLUG_LENGTH = 3;
export const MAX_SLUG_LENGTH = 48;

/** Words a store must not own because they read as the platform itself or collide with routes. */
const RESERVED_SLUGS = new Set(['admin', 'api', 'app', 'graphql', 'help', 'login', 'shop', 'store', 'stores', 'support', 'vendor', 'vendors', 'www']);

/**
 * A store's URL name: 3 to 48 of [a-z0-9-], starting and ending with a letter or digit, no "--".
 * Input is trimmed and lower-cased first (people type "My-Shop"); anything else is refused rather
 * than silently rewritten, so the slug the vendor sees is the one they chose.
 */
export function parseSlug(raw: string, field: string[]): Result<string> {
  const slug = raw.trim().toLowerCase();
  const invalid = (message: string) => fail(userError(ErrorCodes.VALIDATION_FAILED, message, field));
  if (slug.length < MIN_SLUG_LENGTH || slug.length > MAX_SLUG_LENGTH) {
    return invalid(`Use ${MIN_SLUG_LENGTH} to ${MAX_SLUG_LENGTH} characters.`);
  }
  if (!/^[a-z0-9-]+$/.test(slug)) return invalid('Use only lower-case letters, digits and hyphens.');
  if (slug.startsWith('-') || slug.endsWith('-') || slug.includes('--')) {
    return invalid('Start and end with a letter or digit, and do not repeat hyphens.');
  }
  if (RESERVED_SLUGS.has(slug)) return invalid('This name is reserved; choose another.');
  return ok(slug);
}

/** A store's display name and pitch. */
export function parseStoreName(raw: string, field: string[]): Result<string> {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length < 2 || [...name].length > 80) {
    return fail(userError(ErrorCodes.VALIDATION_FAILED, 'Use 2 to 80 characters for the store name.', field));
  }
  const error = textError(name, 'line', field, 'The name');
  return error ? fail(error) : ok(name);
}

export function parseStoreDescription(raw: string | null | undefined, field: string[]): Result<string | null> {
  const description = (raw ?? '').trim();
  if (description === '') return ok(null);
  if ([...description].length > 2000) {
    return fail(userError(ErrorCodes.VALIDATION_FAILED, 'Use at most 2000 characters for the description.', field));
  }
  const error = textError(description, 'text', field, 'The description');
  return error ? fail(error) : ok(description);
}
