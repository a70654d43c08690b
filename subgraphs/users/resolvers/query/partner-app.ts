import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const partnerApp: NonNullable<QueryResolvers['partnerApp']> = (_parent, args, context) => context.services.partnerApps.find(context, args.id);
