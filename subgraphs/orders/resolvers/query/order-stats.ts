import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const orderStats: NonNullable<QueryResolvers['orderStats']> = (_parent, { from, to }, ctx) => ctx.services.orders.stats(ctx, { from, to });
