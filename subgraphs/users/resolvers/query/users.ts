import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const users: NonNullable<QueryResolvers['users']> = (_parent, args, context) => context.services.users.list(context, args);
