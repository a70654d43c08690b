import { randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '../domain/partner-app.ts';

/** A new API key: `shpk_` and 32 random bytes in base64url (43 characters). Shown once, never stored. */
export function newPartnerApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}
