import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const addProductVariant: NonNullable<MutationResolvers['addProductVariant']> = async (_parent, { input }, ctx) => {
  const result = await ctx.services.products.addVariant(input);
  return result.ok
    ? { variant: result.value.variant, product: result.value.product, userErrors: [] }
    : { variant: null, product: null, userErrors: result.errors };
};
