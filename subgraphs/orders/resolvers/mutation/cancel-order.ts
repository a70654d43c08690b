import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const cancelOrder: NonNullable<MutationResolvers['cancelOrder']> = async (_parent, { input }, ctx) => payload('order', await ctx.services.orders.cancel(ctx, input));
