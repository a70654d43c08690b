import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { orderCancelledV1, orderConfirmedV1, vendorOrderShippedV1 } from '../../../contracts/index.ts';
import { sampleCancelledOrder, sampleConfirmedOrder, sampleShipment } from '../testing/sample-orders.ts';
import { escapeHtml, formatMoney, renderNewVendorOrder, renderOrderCancelled, renderOrderConfirmed, renderVendorOrderShipped } from './templates.ts';

const customer = { name: 'Ada <script>alert(1)</script> Lovelace' };
const vendorA = randomUUID();
const vendorB = randomUUID();
const order = sampleConfirmedOrder({ customerId: randomUUID(), vendorIds: [vendorA, vendorB], orderNumber: 'SH-2026-000123' });

describe('money in emails', () => {
  it('prints minor units by the currency’s exponent, never through a float', () => {
    expect(formatMoney({ amount: 123450, currency: 'EUR' })).toBe('EUR 1,234.50');
    expect(formatMoney({ amount: 5, currency: 'EUR' })).toBe('EUR 0.05');
    expect(formatMoney({ amount: 1500, currency: 'JPY' })).toBe('JPY 1,500');
    expect(formatMoney({ amount: 1234567, currency: 'KWD' })).toBe('KWD 1,234.567');
    expect(formatMoney({ amount: 100_000_000_00, currency: 'USD' })).toBe('USD 100,000,000.00');
  });
});

describe('templates', () => {
  it('the samples are valid messages (the templates render what the contracts allow)', () => {
    expect(orderConfirmedV1.payload.safeParse(order).success).toBe(true);
    expect(orderCancelledV1.payload.safeParse(sampleCancelledOrder(order)).success).toBe(true);
    expect(vendorOrderShippedV1.payload.safeParse(sampleShipment(order)).success).toBe(true);
  });

  it('order confirmed: number, every shipment and line, the totals; names are escaped in HTML', () => {
    const email = renderOrderConfirmed(order, customer);
    expect(email.subject).toBe('Your order SH-2026-000123 is confirmed');
    for (const vendorOrder of order.vendorOrders) expect(email.text).toContain(`Shipment ${vendorOrder.number}:`);
    expect(email.text).toContain('2 × Desk lamp (LAMP-0)  EUR 50.00');
    expect(email.text).toContain(`Total:    ${formatMoney(order.total)}`);
    expect(email.text).toContain(`Hello ${customer.name},`);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Ada &lt;script&gt;alert(1)&lt;/script&gt; Lovelace');
    expect(email.html).toContain('Bulb &lt;warm&gt;');
  });

  it('order cancelled: says why, in words, and what happens to the money', () => {
    const email = renderOrderCancelled(sampleCancelledOrder(order, 'OUT_OF_STOCK'), { name: 'Ada' });
    expect(email.subject).toBe('Your order SH-2026-000123 was cancelled');
    expect(email.text).toContain('because some items were no longer in stock');
    expect(email.text).toContain('released or refunded');
    expect(renderOrderCancelled(sampleCancelledOrder(order, 'PAYMENT_DECLINED'), { name: 'Ada' }).text).toContain('your payment was declined');
  });

  it('vendor order shipped: carrier and tracking number', () => {
    const shipment = sampleShipment(order);
    const email = renderVendorOrderShipped(shipment, { name: 'Ada' });
    expect(email.subject).toBe(`Shipment ${shipment.number} of order SH-2026-000123 is on its way`);
    expect(email.text).toContain('Carrier: DHL');
    expect(email.html).toContain('Tracking number: JD0146 0000 1234');
  });

  it('new vendor order: only that store’s part of the order, and none for a store the order does not name', () => {
    const email = renderNewVendorOrder(order, { id: vendorB, name: 'Quasar & Sons' });
    const [, partB] = order.vendorOrders;
    expect(email?.subject).toBe(`New order ${partB?.number} for Quasar & Sons`);
    expect(email?.text).toContain(`Total:    ${formatMoney(partB!.total)}`);
    expect(email?.text).not.toContain(order.vendorOrders[0]!.number);
    expect(email?.html).toContain('Quasar &amp; Sons');
    expect(renderNewVendorOrder(order, { id: randomUUID(), name: 'Stranger' })).toBeNull();
  });

  it('a name with a line break cannot add a header line to the subject', () => {
    const email = renderNewVendorOrder(order, { id: vendorA, name: 'Evil\r\nBcc: all@example.com' });
    expect(email?.subject).not.toMatch(/[\r\n]/);
  });

  it('escapeHtml covers every character that opens markup or an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
