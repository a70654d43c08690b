import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts PII (phone numbers, addresses) at rest with AES-256-GCM. Each value is bound to where it
 * lives through the additional authenticated data (e.g. `address:<id>`), so a ciphertext copied
 * into another row fails to decrypt instead of showing one customer's address to another.
 *
 * Envelope: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). The key id (a hash prefix of
 * the key, not the key) lets a later key rotation tell which key sealed a value.
 */
export interface PiiCipher {
  encrypt(plaintext: string, context: string): string;
  /** Throws PiiDecryptionError when the envelope was altered, moved, or sealed with another key. */
  decrypt(envelope: string, context: string): string;
}

export class PiiDecryptionError extends Error {
  override name = 'PiiDecryptionError';
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function piiKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function createPiiCipher(key: Buffer): PiiCipher {
  if (key.length !== 32) throw new Error('The PII key must be 32 bytes (AES-256).');
  const keyId = piiKeyId(key);
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, keyId, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
    },
    decrypt(envelope, context) {
      const parts = envelope.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) throw new PiiDecryptionError('unknown PII envelope format');
      const [, envelopeKeyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
      if (envelopeKeyId !== keyId) throw new PiiDecryptionError(`PII sealed with key ${envelopeKeyId}, which is not loaded`);
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new PiiDecryptionError('malformed PII envelope');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new PiiDecryptionError('PII envelope failed authentication (altered, moved or wrong key)');
      }
    },
  };
}

/** Where each kind of PII is bound; one place so writers and readers agree. */
export const piiContext = {
  phone: (userId: string) => `user:${userId}:phone`,
  address: (addressId: string) => `address:${addressId}`,
};
