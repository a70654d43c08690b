import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const myOrders: NonNullable<QueryResolvers['myOrders']> = (_parent, args, ctx) => ctx.services.orders.myOrders(ctx, args);
