import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const me: NonNullable<QueryResolvers['me']> = (_parent, _args, context) => context.services.users.me(context);
