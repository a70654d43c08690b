import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPiiCipher, piiContext, PiiDecryptionError } from './pii-cipher.ts';

const key = randomBytes(32);
const cipher = createPiiCipher(key);
const context = piiContext.address('5f0c7a8e-0000-4000-8000-000000000001');

function flipCharAt(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

describe('PII cipher (AES-256-GCM)', () => {
  it('round-trips text, unicode included, and never stores it in clear', () => {
    const plaintext = JSON.stringify({ line1: '12 Rue de Rivoli', city: 'Zürich', phone: '+41 44 668 18 00' });
    const envelope = cipher.encrypt(plaintext, context);
    expect(envelope).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(envelope).not.toContain('Rivoli');
    expect(cipher.decrypt(envelope, context)).toBe(plaintext);
  });

  it('uses a fresh IV every time', () => {
    expect(cipher.encrypt('same', context)).not.toBe(cipher.encrypt('same', context));
  });

  it('detects tampering with the ciphertext, the IV or the tag', () => {
    const envelope = cipher.encrypt('+33612345678', context);
    const parts = envelope.split('.');
    for (const index of [2, 3, 4]) {
      const tampered = [...parts];
      tampered[index] = flipCharAt(tampered[index] as string, 1);
      expect(() => cipher.decrypt(tampered.join('.'), context)).toThrow(PiiDecryptionError);
    }
  });

  it('refuses a ciphertext moved to another row (context is authenticated)', () => {
    const envelope = cipher.encrypt('+33612345678', piiContext.phone('user-a'));
    expect(() => cipher.decrypt(envelope, piiContext.phone('user-b'))).toThrow(PiiDecryptionError);
  });

  it('refuses envelopes sealed with another key or in an unknown format', () => {
    const other = createPiiCipher(randomBytes(32));
    expect(() => cipher.decrypt(other.encrypt('secret', context), context)).toThrow(/not loaded/);
    expect(() => cipher.decrypt('plain text', context)).toThrow(PiiDecryptionError);
    expect(() => createPiiCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
