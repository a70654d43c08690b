import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const partnerApps: NonNullable<QueryResolvers['partnerApps']> = (_parent, args, context) => context.services.partnerApps.list(context, args);
