import { createHash, randomBytes } from 'node:crypto';

/** A guest cart's token: 32 random bytes, base64url (43 characters). Shown to the guest once. */
export function newCartToken(): string {
  return randomBytes(32).toString('base64url');
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * What the database keeps of a token: its SHA-256, hex. A token that cannot be one of ours hashes
 * to null, so it is "not found" without a query. (A plain hash suffices: the token is 256 random
 * bits, nothing to guess, and a lookup by hash does not leak its prefix through timing.)
 */
export function cartTokenHash(token: string): string | null {
  return TOKEN.test(token) ? createHash('sha256').update(token).digest('hex') : null;
}
