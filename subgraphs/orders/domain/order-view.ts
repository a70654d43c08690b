import type { OrderVisibility } from './access.ts';
import type { Order, OrderLine, OrderStatusChange, VendorOrder } from './order.ts';

/**
 * An order as one caller may see it. The customer and admins see it whole; a vendor sees its own
 * vendor order and lines, and the money of that part only (its subtotal, shipping, tax, total),
 * never what the customer paid other vendors.
 */
export interface OrderView {
  order: Order;
  vendorOrders: VendorOrder[];
  lines: OrderLine[];
  /** Null: the whole order; else the vendor whose part this is. */
  vendorId: string | null;
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
  /** Its status history when the service holds it already (a placement's answer); else read when asked for. */
  history?: OrderStatusChange[];
}

export function viewOrder(visibility: Exclude<OrderVisibility, { kind: 'NONE' }>, parts: { order: Order; vendorOrders: VendorOrder[]; lines: OrderLine[] }): OrderView {
  const { order } = parts;
  if (visibility.kind === 'ALL') {
    return { ...parts, vendorId: null, subtotal: order.subtotal, shipping: order.shipping, tax: order.tax, total: order.total };
  }
  const vendorOrders = parts.vendorOrders.filter((part) => part.vendorId === visibility.vendorId);
  const ids = new Set(vendorOrders.map((part) => part.id));
  const sum = (pick: (part: VendorOrder) => number) => vendorOrders.reduce((total, part) => total + pick(part), 0);
  return {
    order,
    vendorOrders,
    lines: parts.lines.filter((line) => ids.has(line.vendorOrderId)),
    vendorId: visibility.vendorId,
    subtotal: sum((p) => p.subtotal),
    shipping: sum((p) => p.shipping),
    tax: sum((p) => p.tax),
    total: sum((p) => p.total),
  };
}
