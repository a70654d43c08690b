import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const setLowStockThreshold: NonNullable<MutationResolvers['setLowStockThreshold']> = async (_parent, { input }, ctx) =>
  payload('lowStockThreshold', await ctx.services.stock.setLowStockThreshold(ctx, input));
