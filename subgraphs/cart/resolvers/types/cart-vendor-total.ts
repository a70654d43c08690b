import type { CartVendorTotalResolvers } from '../../__generated__/resolvers-types.ts';

export const CartVendorTotal: CartVendorTotalResolvers = {
  // A reference the gateway resolves at users (the store's name) or catalog.
  vendor: (total) => ({ id: total.vendorId }),
};
