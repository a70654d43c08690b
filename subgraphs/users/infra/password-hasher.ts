import { hash, verify, type Algorithm } from '@node-rs/argon2';

/**
 * argon2id with OWASP's recommended floor (19 MiB, 2 passes, 1 lane): about 20-40 ms here, which
 * is what makes offline guessing expensive. One setting everywhere, tests included.
 */
// The package exports Algorithm as an ambient const enum, which isolatedModules cannot read.
const ARGON2ID = 2 as Algorithm;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Spends the same time as a real verification against a hash nobody has, so a log-in for an
   * unknown email takes as long as a wrong password (no account discovery by timing).
   */
  verifyNobody(password: string): Promise<false>;
}

export async function createPasswordHasher(): Promise<PasswordHasher> {
  const dummyHash = await hash('not-a-real-password-just-for-timing', OPTIONS);
  return {
    hash: (password) => hash(password, OPTIONS),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, password);
      } catch {
        // A corrupt stored hash must read as "wrong password", not as an internal error with details.
        return false;
      }
    },
    async verifyNobody(password) {
      await verify(dummyHash, password).catch(() => false);
      return false;
    },
  };
}
