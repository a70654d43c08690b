import type { VendorOrderResolvers } from '../../__generated__/resolvers-types.ts';

const money = (amount: number, currency: string) => ({ amount, currency });

export const VendorOrder: VendorOrderResolvers = {
  subtotal: (part) => money(part.subtotal, part.currency),
  shipping: (part) => money(part.shipping, part.currency),
  tax: (part) => money(part.tax, part.currency),
  total: (part) => money(part.total, part.currency),
  lines: (part, _args, ctx) => ctx.services.orders.vendorOrderLines(ctx, part.id),
  order: async (part, _args, ctx) => {
    // Whoever read the part may read its order (the vendor sees its own part of it).
    const order = await ctx.services.orders.order(ctx, part.orderId);
    if (!order) throw new Error(`vendor order ${part.id} has no readable order ${part.orderId}`);
    return order;
  },
};
