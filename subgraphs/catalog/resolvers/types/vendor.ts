import type { VendorResolvers } from '../../__generated__/resolvers-types.ts';

export const Vendor: VendorResolvers = {
  // Catalog knows a vendor only by id; any id resolves (an unknown vendor simply has no products).
  __resolveReference: (reference) => ({ id: reference.id }),
  products: (vendor, args, ctx) => ctx.services.queries.vendorProducts(ctx, vendor.id, args),
};
