import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const addProductVariant: NonNullable<MutationResolvers['addProductVariant']> = async (_parent, { input }, ctx) =>
  spreadPayload(await ctx.services.products.addVariant(ctx, input), ['product', 'variant']);
