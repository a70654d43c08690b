import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const vendorBalance: NonNullable<QueryResolvers['vendorBalance']> = (_parent, { vendorId }, ctx) => ctx.services.ledger.balance(ctx, vendorId);
