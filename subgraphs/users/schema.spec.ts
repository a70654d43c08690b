import { buildSubgraphSchema } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { resolvers } from './resolvers/index.ts';

const typeDefs: DocumentNode = loadTypeDefs(new URL('./schema.graphql', import.meta.url));

describe('users SDL', () => {
  it('builds as a subgraph with its resolvers, exposing the two entities', () => {
    const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
    const entity = schema.getType('_Entity');
    expect(entity && 'getTypes' in entity ? entity.getTypes().map((type) => type.name).sort() : []).toEqual(['User', 'Vendor']);
  });
});
