import { readFileSync } from 'node:fs';
import { parse, visit, type ASTNode } from 'graphql';
import { describe, expect, it } from 'vitest';

/** The SDL is the documentation: every type, field, argument, input field and enum value says what it is. */
const sdl = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

describe('schema.graphql', () => {
  it('has a docstring on every definition, field, argument and enum value', () => {
    const missing: string[] = [];
    const check = (node: ASTNode & { description?: { value: string } | undefined; name?: { value: string } }, where: string) => {
      if (!node.description?.value.trim()) missing.push(where);
    };
    let current = '';
    let field = '';
    visit(parse(sdl), {
      ObjectTypeDefinition: { enter: (node) => ((current = node.name.value), check(node, current)) },
      InputObjectTypeDefinition: { enter: (node) => ((current = node.name.value), (field = ''), check(node, current)) },
      EnumTypeDefinition: { enter: (node) => ((current = node.name.value), check(node, current)) },
      ScalarTypeDefinition: { enter: (node) => check(node, node.name.value) },
      FieldDefinition: { enter: (node) => ((field = node.name.value), check(node, `${current}.${field}`)) },
      InputValueDefinition: { enter: (node) => check(node, `${current}.${field}(${node.name.value})`) },
      EnumValueDefinition: { enter: (node) => check(node, `${current}.${node.name.value}`) },
    });
    expect(missing).toEqual([]);
  });

  it('defines the shared value types exactly as the platform does', () => {
    for (const shared of ['type Money @shareable', 'type PageInfo @shareable', 'type UserError @shareable']) {
      expect(sdl).toContain(shared);
    }
  });
});
