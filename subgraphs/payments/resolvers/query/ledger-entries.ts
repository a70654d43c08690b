import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const ledgerEntries: NonNullable<QueryResolvers['ledgerEntries']> = (_parent, args, ctx) => ctx.services.ledger.entries(ctx, args);
