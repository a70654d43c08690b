import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const addAddress: NonNullable<MutationResolvers['addAddress']> = async (_parent, { input }, context) =>
  payload('address', await context.services.addresses.add(context, input));
