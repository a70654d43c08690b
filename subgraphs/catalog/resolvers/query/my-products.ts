import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const myProducts: NonNullable<QueryResolvers['myProducts']> = (_parent, args, ctx) => ctx.services.queries.myProducts(ctx, args);
