import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { payload } from './payloads.ts';

export const updateProfile: NonNullable<MutationResolvers['updateProfile']> = async (_parent, { input }, context) =>
  payload('user', await context.services.users.updateProfile(context.viewer, input));

export const suspendUser: NonNullable<MutationResolvers['suspendUser']> = async (_parent, args, context) =>
  payload('user', await context.services.users.suspend(context.viewer, args.id, args.reason ?? null));

export const reactivateUser: NonNullable<MutationResolvers['reactivateUser']> = async (_parent, args, context) =>
  payload('user', await context.services.users.reactivate(context.viewer, args.id));
