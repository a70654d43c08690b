import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { processEnv } from '../platform/config/load-config.ts';
import { API_SNAPSHOT, checkSchema, composeApiSchema, formatSchemaCheck } from '../scripts/schema-check.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const USERS_SDL = path.join('subgraphs', 'users', 'schema.graphql');

/** A throwaway copy of what schema:check reads (every subgraph's SDL and the snapshot); the repository's files are never touched. */
function copyOfTheSchemas(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'shop-schema-check-'));
  for (const { name } of SUBGRAPHS) cpSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), path.join(root, 'subgraphs', name, 'schema.graphql'));
  cpSync(path.join(ROOT, API_SNAPSHOT), path.join(root, API_SNAPSHOT));
  return root;
}

/** Edits one SDL file of the copy; fails loudly when the text to edit is gone (so the test never passes vacuously). */
function edit(root: string, file: string, from: string, to: string): void {
  const full = path.join(root, file);
  const sdl = readFileSync(full, 'utf8');
  expect(sdl).toContain(from);
  writeFileSync(full, sdl.replace(from, to));
}

const REMOVED_FIELD = ['  """City or town."""\n  city: String!\n', ''] as const;
const ADDED_FIELD = ['type User @key(fields: "id") {\n', 'type User @key(fields: "id") {\n  """A nickname."""\n  nickname: String\n'] as const;

async function cli(root: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts', '--root', root], {
      cwd: ROOT,
      env: { PATH: processEnv().PATH },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('schema:check', () => {
  const roots: string[] = [];
  const scratch = () => {
    const root = copyOfTheSchemas();
    roots.push(root);
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it('the committed snapshot is the current composition (a PR that changes the schema updates schema/api.graphql)', async () => {
    expect(await composeApiSchema()).toBe(readFileSync(path.join(ROOT, API_SNAPSHOT), 'utf8'));
  });

  it('a removed field is breaking, reported with its path', async () => {
    const root = scratch();
    edit(root, USERS_SDL, ...REMOVED_FIELD);
    const check = await checkSchema(root);
    expect(check.breaking).toBe(true);
    expect(check.groups.BREAKING.map((change): [string, string | undefined] => [String(change.type), change.path])).toEqual([['FIELD_REMOVED', 'Address.city']]);
    expect(formatSchemaCheck(check)).toMatch(/^BREAKING \(1\)\n {2}✗ Address\.city: Field 'city' .*removed/m);
  });

  it('an added field is safe', async () => {
    const root = scratch();
    edit(root, 'subgraphs/users/schema.graphql', ...ADDED_FIELD);
    const check = await checkSchema(root);
    expect(check.breaking).toBe(false);
    expect(check.groups.DANGEROUS).toEqual([]);
    expect(check.groups.SAFE.map((change): [string, string | undefined] => [String(change.type), change.path])).toEqual([
      ['FIELD_ADDED', 'User.nickname'],
      ['FIELD_DESCRIPTION_ADDED', 'User.nickname'],
    ]);
  });

  it('the CLI exits 1 on a removed field, 0 on an added one, and --write records the change', async () => {
    const removed = scratch();
    edit(removed, USERS_SDL, ...REMOVED_FIELD);
    const failing = await cli(removed);
    expect(failing.output).toContain('✗ Address.city');
    expect(failing.code).toBe(1);

    const added = scratch();
    edit(added, USERS_SDL, ...ADDED_FIELD);
    const passing = await cli(added);
    expect(passing.output).toContain('SAFE (2)');
    expect(passing.code).toBe(0);

    await run(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts', '--root', removed, '--write'], { cwd: ROOT, env: { PATH: processEnv().PATH } });
    expect(await cli(removed)).toEqual({ code: 0, output: expect.stringContaining('No changes') as unknown });
  });
});
