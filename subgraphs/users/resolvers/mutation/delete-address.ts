import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const deleteAddress: NonNullable<MutationResolvers['deleteAddress']> = async (_parent, { input }, context) =>
  payload('deletedAddressId', await context.services.addresses.remove(context, input));
