import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const setProductStatus: NonNullable<MutationResolvers['setProductStatus']> = async (_parent, { input }, ctx) =>
  payload('product', await ctx.services.products.setStatus(ctx, input));
