import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const logOut: NonNullable<MutationResolvers['logOut']> = async (_parent, { input }, context) =>
  payload('success', await context.services.auth.logOut(context, input));
