import { formatMoney } from '../../../../platform/money/money.ts';
import type { MoneyResolvers } from '../../__generated__/resolvers-types.ts';

export const Money: MoneyResolvers = {
  formatted: (money) => formatMoney(money),
};
