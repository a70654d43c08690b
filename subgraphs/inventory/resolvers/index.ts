import { DateTime } from '../../../platform/graphql/scalars.ts';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { adjustStock } from './mutation/adjust-stock.ts';
import { createLocation } from './mutation/create-location.ts';
import { receiveStock } from './mutation/receive-stock.ts';
import { setLowStockThreshold } from './mutation/set-low-stock-threshold.ts';
import { stockMovements } from './query/stock-movements.ts';
import { ProductVariant } from './types/product-variant.ts';
import { StockMovement } from './types/stock-movement.ts';

/** The inventory's resolver map, typed by codegen against schema.graphql. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { stockMovements },
  Mutation: { receiveStock, adjustStock, setLowStockThreshold, createLocation },
  ProductVariant,
  StockMovement,
};
