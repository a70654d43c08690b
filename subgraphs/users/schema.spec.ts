import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { resolvers } from './resolvers/index.ts';

const typeDefs: DocumentNode = loadTypeDefs(new URL('./schema.graphql', import.meta.url));

/** Every type, field, argument, input field and enum value of the SDL, with whether it has a docstring. */
function undocumented(document: DocumentNode): string[] {
  const missing: string[] = [];
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const type = definition.name.value;
    if ('description' in definition && !definition.description?.value.trim()) missing.push(type);
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
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

describe('users SDL', () => {
  it('documents every type, field, argument and enum value', () => {
    expect(undocumented(typeDefs)).toEqual([]);
  });

  it('builds as a subgraph with its resolvers, exposing the two entities', () => {
    const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
    const entity = schema.getType('_Entity');
    expect(entity && 'getTypes' in entity ? entity.getTypes().map((type) => type.name).sort() : []).toEqual(['User', 'Vendor']);
  });
});
