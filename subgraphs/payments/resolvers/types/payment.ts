import type { PaymentResolvers } from '../../__generated__/resolvers-types.ts';

export const Payment: PaymentResolvers = {
  capturedAmount: (payment) => payment.captured,
  refundedAmount: (payment) => payment.refunded,
};
