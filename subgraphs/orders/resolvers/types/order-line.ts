import type { OrderLineResolvers } from '../../__generated__/resolvers-types.ts';

export const OrderLine: OrderLineResolvers = {
  variant: (line) => ({ id: line.variantId }),
  unitPrice: (line) => ({ amount: line.unitPrice, currency: line.currency }),
  lineTotal: (line) => ({ amount: line.lineTotal, currency: line.currency }),
};
