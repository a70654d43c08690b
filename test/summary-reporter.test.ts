import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** CI reads the last `N passed, N failed` line: a failed hook must count, or a broken run reads as green. */
describe('the summary line', () => {
  it('counts a file whose beforeAll or afterAll failed as failed', async () => {
    const run = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/fixtures/summary/vitest.config.ts'],
      { cwd: ROOT, encoding: 'utf8' },
    ).catch((error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? '', code: error.code }));
    const summary = run.stdout.split('\n').filter((line) => /^\d+ passed, \d+ failed/.test(line)).at(-1);
    expect(summary).toBe('2 passed, 2 failed, 2 skipped');
    expect('code' in run ? run.code : 0).toBe(1);
  }, 60_000);
});
