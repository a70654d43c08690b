import type { CodegenConfig } from '@graphql-codegen/cli';
import { SUBGRAPHS, type SubgraphName } from './subgraphs/registry.ts';

/**
 * Typed resolvers for every subgraph of the registry (federation: true). `MAPPERS` maps each
 * subgraph's GraphQL types to the domain models its resolvers return, so parent types are checked
 * too; the Record type makes a new subgraph add its entry. Each subgraph's context type is
 * `<Name>Context` in its context.ts.
 */
const MAPPERS: Record<SubgraphName, Record<string, string>> = {
  users: {
    User: '../domain/user.ts#User as UserModel',
    Vendor: '../domain/vendor.ts#Vendor as VendorModel',
    Address: '../domain/address.ts#Address as AddressModel',
    PartnerApp: '../domain/partner-app.ts#PartnerApp as PartnerAppModel',
    PartnerApiKey: '../domain/partner-app.ts#PartnerApiKey as PartnerApiKeyModel',
    PartnerManifestInfo: '../domain/partner-app.ts#PartnerManifest as PartnerManifestModel',
  },
  catalog: {
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
  },
  inventory: {
    ProductVariant: '../domain/stock.ts#VariantRef as VariantRefModel',
    Location: '../domain/stock.ts#Location as LocationModel',
    StockLevel: '../domain/stock.ts#StockLevel as StockLevelModel',
    StockMovement: '../domain/stock.ts#StockMovement as StockMovementModel',
    Availability: '../domain/stock.ts#Availability as AvailabilityModel',
    UserError: '../../../platform/errors/user-error.ts#UserError as UserErrorModel',
    StockMovementConnection: '../application/stock.service.ts#StockMovementConnection as StockMovementConnectionModel',
  },
  cart: {
    Cart: '../domain/cart.ts#CartView as CartViewModel',
    CartLine: '../domain/cart.ts#CartLineView as CartLineViewModel',
    CartVendorTotal: '../domain/cart.ts#VendorTotal as VendorTotalModel',
    Money: '../../../platform/money/money.ts#Money as MoneyModel',
    UserError: '../../../platform/errors/user-error.ts#UserError as UserErrorModel',
  },
  payments: {
    Payment: '../domain/payment.ts#Payment as PaymentModel',
    PaymentCard: '../domain/payment-provider.ts#TokenizedCard as PaymentCardModel',
    LedgerEntry: '../domain/payment.ts#LedgerEntry as LedgerEntryModel',
    LedgerEntryConnection: '../application/ledger.service.ts#LedgerEntryConnection as LedgerEntryConnectionModel',
    VendorBalance: '../application/ledger.service.ts#VendorBalance as VendorBalanceModel',
    Money: '../../../platform/money/money.ts#Money as MoneyModel',
    UserError: '../../../platform/errors/user-error.ts#UserError as UserErrorModel',
  },
  orders: {
    Order: '../domain/order-view.ts#OrderView as OrderViewModel',
    VendorOrder: '../domain/order.ts#VendorOrder as VendorOrderModel',
    OrderLine: '../domain/order.ts#OrderLine as OrderLineModel',
    OrderStatusChange: '../domain/order.ts#OrderStatusChange as OrderStatusChangeModel',
    ShippingAddress: '../domain/order.ts#ShippingAddress as ShippingAddressModel',
    Money: '../domain/order.ts#MoneyValue as MoneyModel',
    UserError: '../../../platform/errors/user-error.ts#UserError as UserErrorModel',
    OrderConnection: '../application/order.service.ts#OrderConnection as OrderConnectionModel',
    VendorOrderConnection: '../application/order.service.ts#VendorOrderConnection as VendorOrderConnectionModel',
    OrderStats: '../application/order.service.ts#OrderStats as OrderStatsModel',
  },
};

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Where `npm run generate` writes the composed API schema (scripts/schema-check.ts) before codegen reads it. */
export const CLIENT_API_SCHEMA = 'clients/__generated__/api-schema.graphql';

const config: CodegenConfig = {
  overwrite: true,
  silent: true,
  generates: {
    /**
     * Our first-party client operations (clients/operations), typed against the API schema clients
     * see: result and variables types per operation, and a TypedDocumentNode (`CatalogListingDocument`)
     * that @apollo/client and the e2e tests take, so a renamed or removed field fails tsc.
     */
    'clients/__generated__/operations.ts': {
      schema: CLIENT_API_SCHEMA,
      documents: 'clients/operations/*.graphql',
      // typescript-operations 6 writes the input and enum types it needs itself (no `typescript` plugin).
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // Over the wire a DateTime is its ISO-8601 string.
        scalars: { DateTime: 'string' },
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
    ...Object.fromEntries(
      SUBGRAPHS.map(({ name }) => [
        `subgraphs/${name}/__generated__/resolvers-types.ts`,
        {
          schema: `subgraphs/${name}/schema.graphql`,
          plugins: ['typescript', 'typescript-resolvers'],
          config: {
            federation: true,
            useTypeImports: true,
            enumsAsTypes: true,
            contextType: `../context.ts#${pascal(name)}Context`,
            mappers: MAPPERS[name],
            scalars: { DateTime: { input: 'Date', output: 'Date | string' } },
            avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
          },
        },
      ]),
    ),
  },
};

export default config;
