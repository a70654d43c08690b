import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const vendors: NonNullable<QueryResolvers['vendors']> = (_parent, args, context) => context.services.vendors.list(context, args);
