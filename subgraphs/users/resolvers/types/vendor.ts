import type { VendorResolvers } from '../../__generated__/resolvers-types.ts';

export const Vendor: VendorResolvers = {
  // Batched: a page of products referencing vendors is one query (see application/loaders.ts).
  __resolveReference: (reference, context) => context.services.vendors.resolveReference(context, reference.id),
  statusReason: (vendor, _args, context) => context.services.vendors.statusReason(context, vendor),
};
