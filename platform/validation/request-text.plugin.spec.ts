import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { findUnstorableText } from './request-text.plugin.ts';

describe('findUnstorableText', () => {
  it('names the variable path of the first NUL or unpaired surrogate', () => {
    expect(findUnstorableText({ input: { name: 'Ada', tags: ['ok', 'b\u0000d'] } }, undefined)).toBe('$input.tags.1');
    expect(findUnstorableText({ id: '\uDC00' }, undefined)).toBe('$id');
    expect(findUnstorableText({ input: { ['k\u0000']: 1 } }, undefined)).toBe('$input');
    expect(findUnstorableText({ input: { name: 'Zoë 😀', count: 3, flag: null } }, undefined)).toBeNull();
  });

  it('names the line and column of a literal in the document', () => {
    const document = parse('{\n  product(slug: "a\\u0000b") { id }\n}');
    expect(findUnstorableText(undefined, document)).toBe('line 2, column 17');
    expect(findUnstorableText({}, parse('{ product(slug: "lamp") { id } }'))).toBeNull();
  });

  it('walks deeply nested variables without recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findUnstorableText({ deep }, undefined)).toMatch(/^\$deep(\.0)+$/);
  });
});
