import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const stockMovements: NonNullable<QueryResolvers['stockMovements']> = (_parent, args, ctx) => ctx.services.stock.movements(ctx, args);
