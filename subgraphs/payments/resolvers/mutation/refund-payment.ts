import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const refundPayment: NonNullable<MutationResolvers['refundPayment']> = async (_parent, { input }, ctx) =>
  payload('payment', await ctx.services.payments.refundPayment(ctx, input));
