import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const updateProduct: NonNullable<MutationResolvers['updateProduct']> = async (_parent, { input }, ctx) =>
  payload('product', await ctx.services.products.update(ctx, input));
