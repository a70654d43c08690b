import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const orders: NonNullable<QueryResolvers['orders']> = (_parent, args, ctx) => ctx.services.orders.orders(ctx, args);
