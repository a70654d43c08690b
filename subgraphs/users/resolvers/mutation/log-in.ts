import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import { AUTH_SESSION_FIELDS } from '../../application/auth.service.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const logIn: NonNullable<MutationResolvers['logIn']> = async (_parent, { input }, context) =>
  spreadPayload(await context.services.auth.logIn(context, input), AUTH_SESSION_FIELDS);
