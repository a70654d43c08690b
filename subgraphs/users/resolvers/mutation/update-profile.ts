import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const updateProfile: NonNullable<MutationResolvers['updateProfile']> = async (_parent, { input }, context) =>
  payload('user', await context.services.users.updateProfile(context, input));
