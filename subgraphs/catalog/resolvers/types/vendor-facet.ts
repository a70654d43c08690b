import type { VendorFacetResolvers } from '../../__generated__/resolvers-types.ts';

export const VendorFacet: VendorFacetResolvers = {
  // Vendor is owned by the users subgraph: hand back its key.
  vendor: (facet) => ({ id: facet.vendorId }),
};
