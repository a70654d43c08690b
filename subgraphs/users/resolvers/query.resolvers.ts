import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const me: NonNullable<QueryResolvers['me']> = (_parent, _args, context) =>
  context.services.users.me(context.viewer, context.loaders);

export const user: NonNullable<QueryResolvers['user']> = (_parent, args, context) =>
  context.services.users.adminGet(context.viewer, args.id, context.loaders);

export const users: NonNullable<QueryResolvers['users']> = (_parent, args, context) =>
  context.services.users.list(context.viewer, args);

export const vendor: NonNullable<QueryResolvers['vendor']> = (_parent, args, context) =>
  context.services.vendors.find(context.viewer, { id: args.id, slug: args.slug }, context.loaders);

export const vendors: NonNullable<QueryResolvers['vendors']> = (_parent, args, context) =>
  context.services.vendors.list(context.viewer, args);
