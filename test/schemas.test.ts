import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeApiSchema } from '../scripts/schema-check.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const sdlOf = (name: string): DocumentNode => parse(readFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8'));

/** Every type, field, argument, input field and enum value that has no docstring, as `Type.field(arg)`. */
export function undocumented(document: DocumentNode): string[] {
  const missing: string[] = [];
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('description' in definition)) continue;
    const type = definition.name.value;
    if (!definition.description?.value.trim()) missing.push(type);
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) {
        if (!field.description?.value.trim()) missing.push(`${type}.${field.name.value}`);
        for (const arg of 'arguments' in field ? (field.arguments ?? []) : []) {
          if (!arg.description?.value.trim()) missing.push(`${type}.${field.name.value}(${arg.name.value})`);
        }
      }
    }
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      for (const value of definition.values ?? []) if (!value.description?.value.trim()) missing.push(`${type}.${value.name.value}`);
    }
  }
  return missing;
}

/** The SDL is the documentation: every subgraph says what each of its types, fields and arguments is. */
describe('subgraph and API SDL', () => {
  it.each(SUBGRAPHS.map((subgraph) => subgraph.name))('%s documents every type, field, argument and enum value', (name) => {
    expect(undocumented(sdlOf(name))).toEqual([]);
  });

  it('the composed API schema (what clients and Sandbox see) documents every type, field, argument, input field and enum value', async () => {
    // Composition merges descriptions and adds what no subgraph wrote alone (shared types, entity
    // fields from several subgraphs), so the check runs over its result too, not only per subgraph.
    const api = parse(await composeApiSchema());
    expect(api.definitions.length).toBeGreaterThan(20);
    expect(undocumented(api)).toEqual([]);
  });

  it('the check finds what is missing', () => {
    const document = parse('"""Doc."""\ntype Query { """Doc."""\na(x: Int): Int\nb: Int }\nenum E { """Doc."""\nA\nB }\ninput I { c: Int }');
    expect(undocumented(document)).toEqual(['Query.a(x)', 'Query.b', 'E', 'E.B', 'I', 'I.c']);
  });
});
