import type { OrderResolvers } from '../../__generated__/resolvers-types.ts';

const money = (amount: number, currency: string) => ({ amount, currency });

export const Order: OrderResolvers = {
  // Another subgraph's reference: the same access rule as `order(id)`.
  __resolveReference: (reference, ctx) => ctx.services.orders.order(ctx, reference.id),
  id: (view) => view.order.id,
  number: (view) => view.order.number,
  status: (view) => view.order.status,
  customerId: (view) => view.order.customerId,
  cancellationReason: (view) => view.order.cancelReason,
  subtotal: (view) => money(view.subtotal, view.order.currency),
  shipping: (view) => money(view.shipping, view.order.currency),
  tax: (view) => money(view.tax, view.order.currency),
  total: (view) => money(view.total, view.order.currency),
  shippingAddress: (view) => view.order.shippingAddress,
  lines: (view) => view.lines,
  vendorOrders: (view) => view.vendorOrders,
  statusHistory: (view, _args, ctx) => view.history ?? ctx.services.orders.history(ctx, view.order.id),
  placedAt: (view) => view.order.placedAt,
  confirmedAt: (view) => view.order.confirmedAt,
  updatedAt: (view) => view.order.updatedAt,
};
