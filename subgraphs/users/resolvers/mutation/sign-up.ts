import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';
import { authPayload } from '../auth-payload.ts';

export const signUp: NonNullable<MutationResolvers['signUp']> = async (_parent, { input }, context) =>
  authPayload(await context.services.auth.signUp(context, input));
