import { DateTime } from '../../../platform/graphql/scalars.ts';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { capturePayment } from './mutation/capture-payment.ts';
import { refundPayment } from './mutation/refund-payment.ts';
import { tokenizeCard } from './mutation/tokenize-card.ts';
import { ledgerEntries } from './query/ledger-entries.ts';
import { paymentForOrder } from './query/payment-for-order.ts';
import { vendorBalance } from './query/vendor-balance.ts';
import { Money } from './types/money.ts';
import { Payment } from './types/payment.ts';

/** The payments resolver map, typed by codegen against schema.graphql. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { paymentForOrder, vendorBalance, ledgerEntries },
  Mutation: { tokenizeCard, capturePayment, refundPayment },
  Payment,
  Money,
};
