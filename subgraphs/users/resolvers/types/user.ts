import type { UserResolvers } from '../../__generated__/resolvers-types.ts';

/**
 * `id`, `name` and `createdAt` are public and read straight off the model; every other field
 * asks the service for the private profile (FORBIDDEN unless it is the caller's own or an admin).
 */
export const User: UserResolvers = {
  __resolveReference: (reference, context) => context.services.users.byId(context, reference.id),
  email: (user, _args, context) => context.services.users.privateProfile(context, user).email,
  role: (user, _args, context) => context.services.users.privateProfile(context, user).role,
  status: (user, _args, context) => context.services.users.privateProfile(context, user).status,
  phone: (user, _args, context) => context.services.users.privateProfile(context, user).phone,
  addresses: (user, _args, context) => context.services.addresses.listFor(context, user),
  vendor: (user, _args, context) => context.services.vendors.ownedBy(context, user),
};
