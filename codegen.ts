import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed resolvers per subgraph (federation: true). Each subgraph's `mappers` map its GraphQL
 * types to the domain models its resolvers return, so parent types are checked too.
 */
function subgraph(name: string, contextType: string, mappers: Record<string, string>): CodegenConfig['generates'] {
  return {
    [`subgraphs/${name}/__generated__/resolvers-types.ts`]: {
      schema: `subgraphs/${name}/schema.graphql`,
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType,
        mappers,
        scalars: { DateTime: 'Date | string', EmailAddress: 'string', URL: 'string' },
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  };
}

const config: CodegenConfig = {
  overwrite: true,
  silent: true,
  generates: {
    // users: mappers are edited by whoever owns subgraphs/users.
    ...subgraph('users', '../context.ts#UsersContext', {}),
    // catalog: mappers are edited by whoever owns subgraphs/catalog.
    ...subgraph('catalog', '../context.ts#CatalogContext', {}),
  },
};

export default config;
