import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const productFacets: NonNullable<QueryResolvers['productFacets']> = (_parent, args, ctx) => ctx.services.queries.facets(ctx, args.filter);
