import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const products: NonNullable<QueryResolvers['products']> = (_parent, args, ctx) => ctx.services.queries.products(ctx, args);
