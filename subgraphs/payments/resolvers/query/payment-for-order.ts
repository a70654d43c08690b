import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const paymentForOrder: NonNullable<QueryResolvers['paymentForOrder']> = (_parent, { orderId }, ctx) => ctx.services.payments.paymentForOrder(ctx, orderId);
