import type { ProductVariantResolvers } from '../../__generated__/resolvers-types.ts';

export const ProductVariant: ProductVariantResolvers = {
  __resolveReference: (reference, ctx) => ctx.services.queries.variantReference(ctx, reference.id),
  product: (variant, _args, ctx) => ctx.services.queries.variantProduct(ctx, variant),
};
