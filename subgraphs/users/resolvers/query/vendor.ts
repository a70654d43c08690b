import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const vendor: NonNullable<QueryResolvers['vendor']> = (_parent, args, context) => context.services.vendors.find(context, args);
