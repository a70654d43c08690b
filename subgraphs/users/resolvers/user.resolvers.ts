import type { UserResolvers } from '../__generated__/resolvers-types.ts';

/**
 * `id`, `name` and `createdAt` are public and read straight off the model; every other field
 * asks the service whether this caller may see it (FORBIDDEN otherwise).
 */
export const User: UserResolvers = {
  __resolveReference: (reference, context) => context.services.users.byId(reference.id, context.loaders),
  email: (user, _args, context) => {
    context.services.users.assertCanSeePrivate(context.viewer, user, context.signedInNow);
    return user.email;
  },
  role: (user, _args, context) => {
    context.services.users.assertCanSeePrivate(context.viewer, user, context.signedInNow);
    return user.role;
  },
  status: (user, _args, context) => {
    context.services.users.assertCanSeePrivate(context.viewer, user, context.signedInNow);
    return user.status;
  },
  phone: (user, _args, context) => {
    context.services.users.assertCanSeePrivate(context.viewer, user, context.signedInNow);
    return user.phone;
  },
  addresses: (user, _args, context) => context.services.addresses.listFor(context.viewer, user, context.loaders, context.signedInNow),
  vendor: (user, _args, context) => context.services.vendors.ownedBy(context.viewer, user, context.loaders, context.signedInNow),
};
