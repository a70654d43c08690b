import { createHash, randomBytes } from 'node:crypto';

/** A new refresh token: 256 random bits, base64url. Only its hash is stored. */
export function newRefreshTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * sha256 is enough here (no salt, no KDF): the input is 256 random bits, not a guessable
 * password, and a fast hash lets the token be looked up by an index.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
