import type { CategoryFacetResolvers } from '../../__generated__/resolvers-types.ts';

export const CategoryFacet: CategoryFacetResolvers = {
  category: (facet, _args, ctx) => ctx.services.categories.facetCategory(ctx, facet),
};
