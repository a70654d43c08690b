import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const user: NonNullable<QueryResolvers['user']> = (_parent, args, context) => context.services.users.adminGet(context, args.id);
