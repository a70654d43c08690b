import { type Result } from '../../../platform/errors/result.ts';
import type { AuthSession } from '../application/auth.service.ts';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import type { UsersContext } from '../context.ts';
import { authPayload } from './payloads.ts';

/** The payload's `user` may then show its own private fields (see UsersContext.signedInNow). */
function signedIn(context: UsersContext, result: Result<AuthSession>) {
  if (result.ok) context.signedInNow.add(result.value.user.id);
  return authPayload(result);
}

export const signUp: NonNullable<MutationResolvers['signUp']> = async (_parent, { input }, context) =>
  signedIn(context, await context.services.auth.signUp(input));

export const logIn: NonNullable<MutationResolvers['logIn']> = async (_parent, { input }, context) =>
  signedIn(context, await context.services.auth.logIn(input, context.clientIp));

export const refreshAccessToken: NonNullable<MutationResolvers['refreshAccessToken']> = async (_parent, args, context) =>
  signedIn(context, await context.services.auth.refresh(args.refreshToken));

export const logOut: NonNullable<MutationResolvers['logOut']> = async (_parent, args, context) => {
  const result = await context.services.auth.logOut(args.refreshToken);
  return { success: result.ok, userErrors: result.ok ? [] : result.errors };
};
