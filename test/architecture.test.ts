import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCE_DIRS = ['platform', 'gateway', 'subgraphs', 'scripts', 'test', 'prisma'];

/** Files allowed to read the environment: each process' config module, and the CLI's Prisma configs. */
const ENV_READERS = [
  /^platform\/config\/load-config\.ts$/,
  /^subgraphs\/[^/]+\/config\.ts$/,
  /^gateway\/config\.ts$/,
  /^scripts\/lib\/scripts-config\.ts$/,
  /^test\/support\/test-env\.ts$/,
  /^prisma\/[^/]+\/prisma\.config\.ts$/,
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir))) {
    const relative = path.join(dir, entry);
    if (entry === 'node_modules' || entry === '__generated__') continue;
    if (statSync(path.join(ROOT, relative)).isDirectory()) out.push(...sourceFiles(relative));
    else if (relative.endsWith('.ts')) out.push(relative);
  }
  return out;
}

describe('architecture boundaries', () => {
  it('has no dependency-rule violations (no cross-subgraph imports, pure domain, no cycles)', () => {
    const output = execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...SOURCE_DIRS.filter((d) => d !== 'prisma')],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const result = JSON.parse(output) as { summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number } };
    expect(result.summary.totalCruised).toBeGreaterThan(20);
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it('reads process.env only in config modules', () => {
    const offenders = SOURCE_DIRS.flatMap(sourceFiles)
      .filter((file) => !file.endsWith('architecture.test.ts'))
      .filter((file) => !ENV_READERS.some((pattern) => pattern.test(file)))
      .filter((file) => /process\.env\b/.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
