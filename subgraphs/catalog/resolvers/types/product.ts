import type { ProductResolvers, ProductVariantResolvers } from '../../__generated__/resolvers-types.ts';

export const Product: ProductResolvers = {
  // The gateway batches entity lookups; the per-request loader turns them into one query.
  __resolveReference: (reference, ctx) => ctx.services.queries.productReference(reference.id),
  // Vendor is owned by the users subgraph: hand back its key, never call users from here.
  vendor: (product) => ({ id: product.vendorId }),
  category: (product, _args, ctx) => ctx.services.categories.byId(product.categoryId),
  createdAt: (product) => product.createdAt.toISOString(),
  updatedAt: (product) => product.updatedAt.toISOString(),
};

export const ProductVariant: ProductVariantResolvers = {
  __resolveReference: (reference, ctx) => ctx.services.queries.variantReference(reference.id),
  product: async (variant, _args, ctx) => {
    const product = await ctx.loaders.productById.load(variant.productId);
    if (!product) throw new Error(`variant ${variant.id} has no product ${variant.productId}`);
    return product;
  },
};
