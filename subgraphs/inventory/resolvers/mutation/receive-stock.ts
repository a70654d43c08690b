import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const receiveStock: NonNullable<MutationResolvers['receiveStock']> = async (_parent, { input }, ctx) =>
  payload('stockLevel', await ctx.services.stock.receive(ctx, input));
