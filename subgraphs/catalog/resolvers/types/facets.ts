import type { CategoryFacetResolvers, VendorFacetResolvers } from '../../__generated__/resolvers-types.ts';

export const CategoryFacet: CategoryFacetResolvers = {
  category: async (facet, _args, ctx) => {
    const category = await ctx.loaders.categoryById.load(facet.categoryId);
    if (!category) throw new Error(`facet names missing category ${facet.categoryId}`);
    return category;
  },
};

export const VendorFacet: VendorFacetResolvers = {
  vendor: (facet) => ({ id: facet.vendorId }),
};
