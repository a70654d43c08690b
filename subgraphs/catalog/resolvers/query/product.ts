import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const product: NonNullable<QueryResolvers['product']> = (_parent, args, ctx) => ctx.services.queries.product(ctx, args);
