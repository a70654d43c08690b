import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const adjustStock: NonNullable<MutationResolvers['adjustStock']> = async (_parent, { input }, ctx) =>
  payload('stockLevel', await ctx.services.stock.adjust(ctx, input));
