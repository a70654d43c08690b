import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** What `npm run lint` checks, inside `npm test`: a lint problem fails the suite like a failed test. */
describe('lint', () => {
  it('ESLint (type-checked rules: no floating promises, no any, no process.env outside config modules) finds nothing', async () => {
    const result = await run(process.execPath, [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '.'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '[]' }));
    const files = JSON.parse(result.stdout) as { filePath: string; messages: { ruleId: string | null; line: number; message: string }[] }[];
    expect(files.length, 'ESLint looked at the source files').toBeGreaterThan(100);
    const problems = files.flatMap((file) =>
      file.messages.map((m) => `${path.relative(ROOT, file.filePath)}:${m.line} ${m.ruleId ?? 'parse'}: ${m.message}`),
    );
    expect(problems).toEqual([]);
  }, 240_000);

  it('dependency-cruiser finds no boundary crossed (layers, no cross-subgraph imports, pure domain, no orphans, no cycles)', async () => {
    const result = await run(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        '--config',
        '.dependency-cruiser.cjs',
        '--output-type',
        'json',
        'contracts',
        'platform',
        'gateway',
        'subgraphs',
        'workers',
        'scripts',
        'test',
        'prisma',
      ],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '{}' }));
    const cruise = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number } };
    expect(cruise.summary.totalCruised).toBeGreaterThan(100);
    expect(cruise.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 120_000);
});
