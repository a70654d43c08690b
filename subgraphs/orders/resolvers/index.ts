import { DateTime } from '../../../platform/graphql/scalars.ts';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { cancelOrder } from './mutation/cancel-order.ts';
import { markVendorOrderDelivered } from './mutation/mark-vendor-order-delivered.ts';
import { markVendorOrderShipped } from './mutation/mark-vendor-order-shipped.ts';
import { placeOrder } from './mutation/place-order.ts';
import { myOrders } from './query/my-orders.ts';
import { orderStats } from './query/order-stats.ts';
import { order } from './query/order.ts';
import { orders } from './query/orders.ts';
import { vendorOrders } from './query/vendor-orders.ts';
import { Money } from './types/money.ts';
import { OrderLine } from './types/order-line.ts';
import { Order } from './types/order.ts';
import { VendorOrder } from './types/vendor-order.ts';

/** The orders subgraph's resolver map, typed by codegen against schema.graphql. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { myOrders, order, vendorOrders, orders, orderStats },
  Mutation: { placeOrder, cancelOrder, markVendorOrderShipped, markVendorOrderDelivered },
  Order,
  VendorOrder,
  OrderLine,
  Money,
};
