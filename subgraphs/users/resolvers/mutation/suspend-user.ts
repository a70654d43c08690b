import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const suspendUser: NonNullable<MutationResolvers['suspendUser']> = async (_parent, { input }, context) =>
  payload('user', await context.services.users.suspend(context, input));
