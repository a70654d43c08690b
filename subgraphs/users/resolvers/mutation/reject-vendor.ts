import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const rejectVendor: NonNullable<MutationResolvers['rejectVendor']> = async (_parent, { input }, context) =>
  payload('vendor', await context.services.vendors.reject(context, input));
