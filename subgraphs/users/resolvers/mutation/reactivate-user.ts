import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const reactivateUser: NonNullable<MutationResolvers['reactivateUser']> = async (_parent, { input }, context) =>
  payload('user', await context.services.users.reactivate(context, input));
