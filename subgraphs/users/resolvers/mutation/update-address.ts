import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const updateAddress: NonNullable<MutationResolvers['updateAddress']> = async (_parent, { input }, context) =>
  payload('address', await context.services.addresses.update(context, input));
