import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const markVendorOrderDelivered: NonNullable<MutationResolvers['markVendorOrderDelivered']> = async (_parent, { input }, ctx) =>
  payload('vendorOrder', await ctx.services.orders.markDelivered(ctx, input));
