import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const approveVendor: NonNullable<MutationResolvers['approveVendor']> = async (_parent, { input }, context) =>
  payload('vendor', await context.services.vendors.approve(context, input));
