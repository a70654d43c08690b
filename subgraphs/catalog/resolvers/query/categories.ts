import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const categories: NonNullable<QueryResolvers['categories']> = (_parent, _args, ctx) => ctx.services.categories.roots(ctx);
