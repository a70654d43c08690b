import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_OPERATIONS, parseManifest } from '../domain/partner-app.ts';
import { inspectOperations } from './operation-inspector.ts';

/** The manifest rules (domain/partner-app.ts) with the parser they run with in production. */
const sha = (body: string) => createHash('sha256').update(body, 'utf8').digest('hex');
const FIELD = ['input', 'manifest'];
const operation = (name: string, body = `query ${name} { __typename }`, type = 'query') => ({ id: sha(body), name, type, body });
const manifest = (...operations: unknown[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });
const problems = (raw: unknown) => {
  const result = parseManifest(raw, inspectOperations, FIELD);
  return result.ok ? [] : result.errors.map((error) => `${error.code} ${error.field?.join('.')}: ${error.message}`);
};

describe('manifests', () => {
  it('accept Apollo persisted-query manifests, as JSON text or parsed', () => {
    const good = manifest(operation('A'), operation('B', 'mutation B { __typename }', 'mutation'), operation('C', 'query C { ...F } fragment F on Query { __typename }'));
    const parsed = parseManifest(good, inspectOperations, FIELD);
    expect(parsed.ok && parsed.value.map((op) => [op.name, op.type])).toEqual([['A', 'query'], ['B', 'mutation'], ['C', 'query']]);
    expect(parseManifest(JSON.stringify(good), inspectOperations, FIELD)).toEqual(parsed);
  });

  it('refuse other shapes', () => {
    expect(problems('{')).toEqual(['PARTNER_MANIFEST_INVALID input.manifest: The manifest is not valid JSON.']);
    expect(problems({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] })[0]).toMatch(/^PARTNER_MANIFEST_INVALID input.manifest: Expected/);
    expect(problems([])).toHaveLength(1);
    expect(problems(manifest())).toEqual(['PARTNER_MANIFEST_INVALID input.manifest.operations: The manifest lists no operations.']);
    expect(problems({ ...manifest(), operations: 'x' })[0]).toContain('must be a list');
  });

  it('refuse every broken operation at its index, and all of them at once', () => {
    const valid = operation('A');
    const found = problems(
      manifest(
        valid,
        { ...operation('B'), id: sha('other') },
        { ...operation('C'), id: sha('query C { __typename }').toUpperCase() },
        { ...operation('D'), type: 'mutation' },
        { ...operation('E'), name: 'NotE' },
        valid,
        { ...operation('A', 'query A { id: __typename }') },
        operation('Broken', 'query Broken {'),
        operation('Two', 'query Two { __typename } query Three { __typename }'),
        operation('Anon', '{ __typename }'),
        { id: 1, name: 'X', type: 'query', body: '{ __typename }' },
        { ...operation('T'), type: 'fetch' },
        'nope',
      ),
    );
    expect(found.map((line) => line.split(':')[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((index) => `PARTNER_MANIFEST_INVALID input.manifest.operations.${index}`));
    expect(found[0]).toContain('sha256');
    expect(found[2]).toContain('not a mutation');
    expect(found[4]).toContain('listed twice');
    expect(found[5]).toContain('already named "A"');
    expect(found[6]).toContain('does not parse');
    expect(found[7]).toContain('exactly one operation');
    expect(found[8]).toContain('named nothing');
  });

  it('are bounded in count and size', () => {
    const many = Array.from({ length: MAX_MANIFEST_OPERATIONS + 1 }, (_, index) => operation(`Op${index}`));
    expect(problems(manifest(...many))[0]).toContain(`at most ${MAX_MANIFEST_OPERATIONS}`);
    const big = `query Big { ${'__typename '.repeat(4000)}}`;
    expect(problems(manifest(operation('Big', big)))[0]).toContain('larger than');
    expect(problems('x'.repeat(3 * 1024 * 1024))[0]).toContain('larger than');
  });
});
