import { MAX_ORDER_LINES } from '../../../contracts/shared.ts';
import {
  authorizePaymentV1,
  cancelPaymentV1,
  capturePaymentV1,
  commitStockV1,
  orderCancelledV1,
  orderConfirmedV1,
  orderPlacedV1,
  orderStatusChangedV1,
  releaseStockV1,
  reserveStockV1,
  vendorOrderDeliveredV1,
  vendorOrderShippedV1,
} from '../../../contracts/index.ts';
import { outboxEntry, type OutboxEntry } from '../../../platform/messaging/outbox.ts';
import type { SagaCommand } from '../domain/checkout-saga.ts';
import type { CancelReason, OrderStatus } from '../domain/order.process.ts';
import type { VendorOrder } from '../domain/order.ts';
import type { OrderAggregate } from '../infra/order.repository.ts';

const money = (amount: number, currency: string) => ({ amount, currency });

/**
 * What the customer-facing events share (order.placed, .confirmed, .cancelled): enough for an
 * email without asking anyone. A vendor order's `total` there is its subtotal + shipping + tax.
 */
function summary({ order, vendorOrders, lines }: OrderAggregate) {
  return {
    orderId: order.id,
    orderNumber: order.number,
    customerId: order.customerId,
    cartId: order.cartId,
    subtotal: money(order.subtotal, order.currency),
    shipping: money(order.shipping, order.currency),
    tax: money(order.tax, order.currency),
    total: money(order.total, order.currency),
    vendorOrders: vendorOrders.slice(0, MAX_ORDER_LINES).map((part) => ({
      vendorOrderId: part.id,
      vendorId: part.vendorId,
      number: part.number,
      lines: lines
        .filter((line) => line.vendorOrderId === part.id)
        .map((line) => ({
          variantId: line.variantId,
          sku: line.sku.slice(0, 100),
          name: `${line.productName} – ${line.variantTitle}`.slice(0, 300),
          quantity: line.quantity,
          unitPrice: money(line.unitPrice, order.currency),
          lineTotal: money(line.lineTotal, order.currency),
        })),
      subtotal: money(part.subtotal, order.currency),
      shipping: money(part.shipping, order.currency),
      total: money(part.total, order.currency),
    })),
  };
}

/** What vendor_order.shipped and .delivered say: the part, its order, and how it travels. */
function shipment({ order }: OrderAggregate, part: VendorOrder) {
  return {
    orderId: order.id,
    orderNumber: order.number,
    customerId: order.customerId,
    vendorOrderId: part.id,
    vendorId: part.vendorId,
    number: part.number,
    carrier: part.carrier ?? '',
    trackingNumber: part.trackingNumber ?? '',
  };
}

export interface SagaMessageSettings {
  /** How long inventory holds the units: longer than the whole saga may take. */
  reservationTtlSeconds: number;
}

/** The outbox entries of the saga and of order events, built from the order as locked. */
export function sagaMessages(settings: SagaMessageSettings) {
  const command = (aggregate: OrderAggregate, name: SagaCommand, correlationId: string, reason: string): OutboxEntry => {
    const { order, lines, vendorOrders } = aggregate;
    switch (name) {
      case 'inventory.reserve':
        return outboxEntry(
          reserveStockV1,
          { orderId: order.id, lines: lines.map((line) => ({ variantId: line.variantId, quantity: line.quantity })), ttlSeconds: settings.reservationTtlSeconds },
          correlationId,
        );
      case 'inventory.commit':
        return outboxEntry(commitStockV1, { orderId: order.id }, correlationId);
      case 'inventory.release':
        return outboxEntry(releaseStockV1, { orderId: order.id, reason: reason.slice(0, 200) }, correlationId);
      case 'payments.authorize':
        return outboxEntry(
          authorizePaymentV1,
          {
            orderId: order.id,
            orderNumber: order.number,
            customerId: order.customerId,
            amount: money(order.total, order.currency),
            paymentMethodToken: order.paymentMethodToken,
            // Each part is whole minor units and the parts add up to the amount (see domain/totals.ts).
            vendorShares: vendorOrders.map((part) => ({ vendorOrderId: part.id, vendorId: part.vendorId, amount: money(part.total, order.currency) })),
          },
          correlationId,
        );
      case 'payments.capture':
        return outboxEntry(capturePaymentV1, { orderId: order.id }, correlationId);
      case 'payments.cancel':
        return outboxEntry(cancelPaymentV1, { orderId: order.id, reason: reason.slice(0, 200) }, correlationId);
    }
  };

  return {
    command,
    commands: (aggregate: OrderAggregate, names: readonly SagaCommand[], correlationId: string, reason: string) =>
      names.map((name) => command(aggregate, name, correlationId, reason)),
    placed: (aggregate: OrderAggregate, correlationId: string) => outboxEntry(orderPlacedV1, summary(aggregate), correlationId),
    confirmed: (aggregate: OrderAggregate, correlationId: string) => outboxEntry(orderConfirmedV1, summary(aggregate), correlationId),
    cancelled: (aggregate: OrderAggregate, reason: CancelReason, correlationId: string) => outboxEntry(orderCancelledV1, { ...summary(aggregate), reason }, correlationId),
    statusChanged: (aggregate: OrderAggregate, from: OrderStatus | null, to: OrderStatus, correlationId: string) =>
      outboxEntry(
        orderStatusChangedV1,
        { orderId: aggregate.order.id, customerId: aggregate.order.customerId, vendorIds: [...new Set(aggregate.vendorOrders.map((part) => part.vendorId))], from, to },
        correlationId,
      ),
    shipped: (aggregate: OrderAggregate, part: VendorOrder, correlationId: string) => outboxEntry(vendorOrderShippedV1, shipment(aggregate, part), correlationId),
    delivered: (aggregate: OrderAggregate, part: VendorOrder, correlationId: string) => outboxEntry(vendorOrderDeliveredV1, shipment(aggregate, part), correlationId),
  };
}

export type SagaMessages = ReturnType<typeof sagaMessages>;
