import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from './password-hasher.ts';

describe('password hasher', () => {
  it('hashes with argon2id at the configured cost and verifies', async () => {
    const hasher = await createPasswordHasher();
    const hash = await hasher.hash('correct horse 1');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'correct horse 1')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse 2')).toBe(false);
    expect(await hasher.hash('correct horse 1')).not.toBe(hash);
  });

  it('treats a corrupt stored hash as a wrong password and always fails the dummy check', async () => {
    const hasher = await createPasswordHasher();
    expect(await hasher.verify('not-a-hash', 'anything')).toBe(false);
    expect(await hasher.verifyNobody('anything')).toBe(false);
  });
});
