import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const applyForVendor: NonNullable<MutationResolvers['applyForVendor']> = async (_parent, { input }, context) =>
  payload('vendor', await context.services.vendors.apply(context, input));
