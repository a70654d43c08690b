import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const category: NonNullable<QueryResolvers['category']> = (_parent, args, ctx) => ctx.services.categories.category(ctx, args);
