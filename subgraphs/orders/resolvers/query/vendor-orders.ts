import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const vendorOrders: NonNullable<QueryResolvers['vendorOrders']> = (_parent, args, ctx) => ctx.services.orders.vendorOrders(ctx, args);
