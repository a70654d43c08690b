import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const capturePayment: NonNullable<MutationResolvers['capturePayment']> = async (_parent, { input }, ctx) =>
  payload('payment', await ctx.services.payments.capturePayment(ctx, input));
