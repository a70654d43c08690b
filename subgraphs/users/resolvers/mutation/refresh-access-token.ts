import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import { AUTH_SESSION_FIELDS } from '../../application/auth.service.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const refreshAccessToken: NonNullable<MutationResolvers['refreshAccessToken']> = async (_parent, { input }, context) =>
  spreadPayload(await context.services.auth.refresh(context, input), AUTH_SESSION_FIELDS);
