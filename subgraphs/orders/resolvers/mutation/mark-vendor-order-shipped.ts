import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const markVendorOrderShipped: NonNullable<MutationResolvers['markVendorOrderShipped']> = async (_parent, { input }, ctx) =>
  payload('vendorOrder', await ctx.services.orders.markShipped(ctx, input));
