import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const order: NonNullable<QueryResolvers['order']> = (_parent, { id }, ctx) => ctx.services.orders.order(ctx, id);
