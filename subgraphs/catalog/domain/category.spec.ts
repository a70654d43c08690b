import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { CatalogErrorCodes } from './error-codes.ts';
import { MAX_CATEGORY_DEPTH, placeCategory, validateNewCategory } from './category.ts';

describe('validateNewCategory', () => {
  it('trims and accepts a root category', () => {
    expect(validateNewCategory({ name: ' Audio ' })).toEqual({ ok: true, value: { name: 'Audio', slug: null, parentId: null } });
  });
  it('reports a blank name, a bad slug and a malformed parent id together', () => {
    const result = validateNewCategory({ name: ' ', slug: 'Bad Slug', parentId: 'x' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => [e.code, e.field?.join('.')])).toEqual([
        [ErrorCodes.VALIDATION_FAILED, 'input.name'],
        [ErrorCodes.VALIDATION_FAILED, 'input.slug'],
        [CatalogErrorCodes.CATEGORY_NOT_FOUND, 'input.parentId'],
      ]);
    }
  });
});

describe('category names', () => {
  it.each(['Au\u0000dio', 'Au\uD800dio', '\u200B\u200B', 'oiduA\u202E'])('refuses %j at input.name', (name) => {
    expect(validateNewCategory({ name })).toMatchObject({ ok: false, errors: [{ code: ErrorCodes.VALIDATION_FAILED, field: ['input', 'name'] }] });
  });
});

describe('placeCategory', () => {
  it('puts a root at depth 0 with only itself on its path', () => {
    const id = randomUUID();
    expect(placeCategory(id, null)).toEqual({ ok: true, value: { pathIds: [id], depth: 0 } });
  });
  it("extends the parent's path", () => {
    const [root, child, grandchild] = [randomUUID(), randomUUID(), randomUUID()];
    expect(placeCategory(grandchild, { pathIds: [root, child], depth: 1 })).toEqual({
      ok: true,
      value: { pathIds: [root, child, grandchild], depth: 2 },
    });
  });
  it('refuses to nest deeper than the limit', () => {
    const parent = { pathIds: Array.from({ length: MAX_CATEGORY_DEPTH }, () => randomUUID()), depth: MAX_CATEGORY_DEPTH - 1 };
    expect(placeCategory(randomUUID(), parent)).toMatchObject({ ok: false, errors: [{ field: ['input', 'parentId'] }] });
  });
});
