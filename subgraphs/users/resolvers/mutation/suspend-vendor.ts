import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const suspendVendor: NonNullable<MutationResolvers['suspendVendor']> = async (_parent, { input }, context) =>
  payload('vendor', await context.services.vendors.suspend(context, input));
