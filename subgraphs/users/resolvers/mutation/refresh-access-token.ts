import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';
import { authPayload } from '../auth-payload.ts';

export const refreshAccessToken: NonNullable<MutationResolvers['refreshAccessToken']> = async (_parent, { input }, context) =>
  authPayload(await context.services.auth.refresh(context, input));
