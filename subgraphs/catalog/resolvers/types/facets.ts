import type { CategoryFacetResolvers, VendorFacetResolvers } from '../../__generated__/resolvers-types.ts';

export const CategoryFacet: CategoryFacetResolvers = {
  category: (facet, _args, ctx) => ctx.services.categories.facetCategory(ctx, facet),
};

export const VendorFacet: VendorFacetResolvers = {
  // Vendor is owned by the users subgraph: hand back its key.
  vendor: (facet) => ({ id: facet.vendorId }),
};
