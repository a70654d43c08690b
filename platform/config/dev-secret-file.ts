import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes a file only if it does not exist yet, atomically: the content goes to a private temp
 * file that is then hard-linked into place, so two processes starting together never see a
 * half-written key and the loser simply reads the winner's. Returns false when it already existed.
 */
export function createExclusive(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * A development secret kept in `dir/file` (mode 0600, git-ignored): made once by whichever process
 * asks first, read by every later one, so separately started processes of one checkout agree.
 * `created` tells the caller to warn that production must bring its own.
 */
export function readOrCreateDevSecret(dir: string, file: string, make: () => string): { value: string; file: string; created: boolean } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, file);
  const created = createExclusive(target, `${make()}\n`);
  return { value: readFileSync(target, 'utf8').trim(), file: target, created };
}
