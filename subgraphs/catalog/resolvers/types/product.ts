import type { ProductResolvers } from '../../__generated__/resolvers-types.ts';

export const Product: ProductResolvers = {
  // The gateway batches entity lookups; the per-request loader turns them into one query.
  __resolveReference: (reference, ctx) => ctx.services.queries.productReference(ctx, reference.id),
  // Vendor is owned by the users subgraph: hand back its key, never call users from here.
  vendor: (product) => ({ id: product.vendorId }),
  category: (product, _args, ctx) => ctx.services.categories.byId(ctx, product.categoryId),
  onSale: (product, _args, ctx) => ctx.services.queries.onSale(ctx, product),
};
