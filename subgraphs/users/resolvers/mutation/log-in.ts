import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';
import { authPayload } from '../auth-payload.ts';

export const logIn: NonNullable<MutationResolvers['logIn']> = async (_parent, { input }, context) =>
  authPayload(await context.services.auth.logIn(context, input));
