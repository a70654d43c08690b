import type { ProductVariantResolvers } from '../../__generated__/resolvers-types.ts';

export const ProductVariant: ProductVariantResolvers = {
  // Inventory holds no variant rows of its own: any id is a variant (never stocked: 0 available).
  __resolveReference: (reference) => ({ id: reference.id }),
  // The gateway asks for a page of variants at once; the per-request loader makes it one query.
  availability: (variant, _args, ctx) => ctx.services.stock.availability(ctx, variant.id),
};
