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
    ...subgraph('users', '../context.ts#UsersContext', {
      User: '../domain/models.ts#User as UserModel',
      Vendor: '../domain/models.ts#Vendor as VendorModel',
      Address: '../domain/models.ts#Address as AddressModel',
    }),
    // catalog: mappers are edited by whoever owns subgraphs/catalog.
    ...subgraph('catalog', '../context.ts#CatalogContext', {
      Product: '../domain/product.ts#Product as ProductModel',
      ProductVariant: '../domain/product.ts#ProductVariant as ProductVariantModel',
      ProductOption: '../domain/product.ts#OptionValue as OptionValueModel',
      PriceRange: '../domain/product.ts#PriceRange as PriceRangeModel',
      Vendor: '../domain/product.ts#VendorRef as VendorRefModel',
      Category: '../domain/category.ts#Category as CategoryModel',
      Money: '../../../platform/money/money.ts#Money as MoneyModel',
      UserError: '../../../platform/errors/user-error.ts#UserError as UserErrorModel',
      ProductConnection: '../application/catalog-query.service.ts#ProductConnection as ProductConnectionModel',
      ProductFacets: '../application/catalog-query.service.ts#ProductFacets as ProductFacetsModel',
      CategoryFacet: '../application/catalog-query.service.ts#CategoryFacetCount as CategoryFacetCountModel',
      VendorFacet: '../application/catalog-query.service.ts#VendorFacetCount as VendorFacetCountModel',
    }),
  },
};

export default config;
