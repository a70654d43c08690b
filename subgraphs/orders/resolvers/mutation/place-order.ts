import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const placeOrder: NonNullable<MutationResolvers['placeOrder']> = async (_parent, { input }, ctx) => payload('order', await ctx.services.orders.place(ctx, input));
