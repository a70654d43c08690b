import { minorUnitDigits, type CurrencyCode } from '../../../platform/money/money.ts';
import type { OrderCancelled, OrderConfirmed, VendorOrderShipped } from './email.ts';

/** What the mailer sends: a subject and the same message as plain text and as HTML. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface MoneyValue {
  amount: number;
  currency: string;
}

/** `EUR 1,234.50`: whole and minor units from the integer, never through a float. */
export function formatMoney({ amount, currency }: MoneyValue): string {
  const digits = minorUnitDigits(currency as CurrencyCode);
  const sign = amount < 0 ? '-' : '';
  const units = Math.abs(amount);
  const scale = 10 ** digits;
  const whole = Math.floor(units / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const minor = digits === 0 ? '' : `.${(units % scale).toString().padStart(digits, '0')}`;
  return `${sign}${currency} ${whole}${minor}`;
}

/** Names and order lines come from users and sellers: nothing they type may become markup. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Subjects are one header line: no line breaks from a name, and a sane length. */
function subjectLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').slice(0, 200);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif">${body}</body></html>`;
}

type Line = OrderConfirmed['vendorOrders'][number]['lines'][number];

function linesText(lines: readonly Line[]): string[] {
  return lines.map((line) => `  ${line.quantity} × ${line.name} (${line.sku})  ${formatMoney(line.lineTotal)}`);
}

function linesHtml(lines: readonly Line[]): string {
  const rows = lines
    .map((line) => `<tr><td>${line.quantity} ×</td><td>${escapeHtml(line.name)} <small>(${escapeHtml(line.sku)})</small></td><td style="text-align:right">${escapeHtml(formatMoney(line.lineTotal))}</td></tr>`)
    .join('');
  return `<table>${rows}</table>`;
}

/** To the customer: the order is theirs (stock committed, payment captured). */
export function renderOrderConfirmed(order: OrderConfirmed, customer: { name: string }): RenderedEmail {
  const subject = subjectLine(`Your order ${order.orderNumber} is confirmed`);
  const text = [
    `Hello ${customer.name},`,
    '',
    `thank you for your order ${order.orderNumber}. Payment was taken and your items are reserved for you.`,
    '',
    ...order.vendorOrders.flatMap((vendorOrder) => [`Shipment ${vendorOrder.number}:`, ...linesText(vendorOrder.lines), '']),
    `Subtotal: ${formatMoney(order.subtotal)}`,
    `Shipping: ${formatMoney(order.shipping)}`,
    `Tax:      ${formatMoney(order.tax)}`,
    `Total:    ${formatMoney(order.total)}`,
    '',
    'Each store ships its part on its own; we will write again when it does.',
  ].join('\n');
  const html = page(
    subject,
    [
      `<p>Hello ${escapeHtml(customer.name)},</p>`,
      `<p>thank you for your order <strong>${escapeHtml(order.orderNumber)}</strong>. Payment was taken and your items are reserved for you.</p>`,
      ...order.vendorOrders.map((vendorOrder) => `<h3>Shipment ${escapeHtml(vendorOrder.number)}</h3>${linesHtml(vendorOrder.lines)}`),
      `<p>Subtotal: ${escapeHtml(formatMoney(order.subtotal))}<br>Shipping: ${escapeHtml(formatMoney(order.shipping))}<br>Tax: ${escapeHtml(formatMoney(order.tax))}<br><strong>Total: ${escapeHtml(formatMoney(order.total))}</strong></p>`,
      '<p>Each store ships its part on its own; we will write again when it does.</p>',
    ].join(''),
  );
  return { subject, text, html };
}

const CANCEL_REASONS: Record<OrderCancelled['reason'], string> = {
  PAYMENT_DECLINED: 'your payment was declined',
  OUT_OF_STOCK: 'some items were no longer in stock',
  TIMED_OUT: 'we could not complete it in time',
  CANCELLED_BY_CUSTOMER: 'you cancelled it',
  CANCELLED_BY_ADMIN: 'our team cancelled it',
  PAYMENT_FAILED: 'the payment could not be completed',
};

/** To the customer: the order ended without a sale; nothing was kept. */
export function renderOrderCancelled(order: OrderCancelled, customer: { name: string }): RenderedEmail {
  const subject = subjectLine(`Your order ${order.orderNumber} was cancelled`);
  const why = CANCEL_REASONS[order.reason];
  const text = [
    `Hello ${customer.name},`,
    '',
    `your order ${order.orderNumber} (${formatMoney(order.total)}) was cancelled because ${why}.`,
    'Any amount reserved or taken on your card is released or refunded, and nothing will ship.',
  ].join('\n');
  const html = page(
    subject,
    `<p>Hello ${escapeHtml(customer.name)},</p><p>your order <strong>${escapeHtml(order.orderNumber)}</strong> (${escapeHtml(formatMoney(order.total))}) was cancelled because ${escapeHtml(why)}.</p><p>Any amount reserved or taken on your card is released or refunded, and nothing will ship.</p>`,
  );
  return { subject, text, html };
}

/** To the customer: one store shipped its part, with the tracking number. */
export function renderVendorOrderShipped(shipment: VendorOrderShipped, customer: { name: string }): RenderedEmail {
  const subject = subjectLine(`Shipment ${shipment.number} of order ${shipment.orderNumber} is on its way`);
  const text = [
    `Hello ${customer.name},`,
    '',
    `shipment ${shipment.number} of your order ${shipment.orderNumber} has left the store.`,
    `Carrier: ${shipment.carrier}`,
    `Tracking number: ${shipment.trackingNumber}`,
  ].join('\n');
  const html = page(
    subject,
    `<p>Hello ${escapeHtml(customer.name)},</p><p>shipment <strong>${escapeHtml(shipment.number)}</strong> of your order ${escapeHtml(shipment.orderNumber)} has left the store.</p><p>Carrier: ${escapeHtml(shipment.carrier)}<br>Tracking number: ${escapeHtml(shipment.trackingNumber)}</p>`,
  );
  return { subject, text, html };
}

/**
 * To a store: its part of a confirmed order, to pack and ship. Null when the order holds no
 * vendor order of that store (an email can only be owed to a store the order names).
 */
export function renderNewVendorOrder(order: OrderConfirmed, vendor: { id: string; name: string }): RenderedEmail | null {
  const vendorOrder = order.vendorOrders.find((candidate) => candidate.vendorId === vendor.id);
  if (!vendorOrder) return null;
  const subject = subjectLine(`New order ${vendorOrder.number} for ${vendor.name}`);
  const text = [
    `Hello ${vendor.name},`,
    '',
    `order ${order.orderNumber} includes vendor order ${vendorOrder.number} for your store. It is paid: please pack and ship it.`,
    '',
    ...linesText(vendorOrder.lines),
    '',
    `Subtotal: ${formatMoney(vendorOrder.subtotal)}`,
    `Shipping: ${formatMoney(vendorOrder.shipping)}`,
    `Total:    ${formatMoney(vendorOrder.total)}`,
  ].join('\n');
  const html = page(
    subject,
    [
      `<p>Hello ${escapeHtml(vendor.name)},</p>`,
      `<p>order ${escapeHtml(order.orderNumber)} includes vendor order <strong>${escapeHtml(vendorOrder.number)}</strong> for your store. It is paid: please pack and ship it.</p>`,
      linesHtml(vendorOrder.lines),
      `<p>Subtotal: ${escapeHtml(formatMoney(vendorOrder.subtotal))}<br>Shipping: ${escapeHtml(formatMoney(vendorOrder.shipping))}<br><strong>Total: ${escapeHtml(formatMoney(vendorOrder.total))}</strong></p>`,
    ].join(''),
  );
  return { subject, text, html };
}
