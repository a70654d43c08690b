import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const updateProductVariant: NonNullable<MutationResolvers['updateProductVariant']> = async (_parent, { input }, ctx) =>
  spreadPayload(await ctx.services.products.updateVariant(ctx, input), ['product', 'variant']);
