import { describe, expect, it } from 'vitest';
import { CONTRACTS, envelopeSchema, vendorOrderDeliveredV1, vendorOrderShippedV1, vendorSuspendedV1 } from './index.ts';

describe('message contracts', () => {
  const envelope = {
    id: '0b7f7f9c-3f0e-4b7e-9a55-6f1d2f8f2a10',
    type: 'vendor.suspended',
    version: 1,
    occurredAt: '2026-11-30T08:00:00.000Z',
    correlationId: 'req-1',
    payload: { vendorId: '5d0e7c56-2f43-4f4e-8f43-3c1a0ab1d6f1', reason: 'fraud review' },
  };

  it('accepts a well-formed envelope and payload', () => {
    const parsed = envelopeSchema.parse(envelope);
    expect(vendorSuspendedV1.payload.parse(parsed.payload)).toMatchObject({ vendorId: envelope.payload.vendorId });
  });

  it('refuses an envelope without an id, with a bad date or a non-dotted type', () => {
    expect(envelopeSchema.safeParse({ ...envelope, id: 'x' }).success).toBe(false);
    expect(envelopeSchema.safeParse({ ...envelope, occurredAt: 'yesterday' }).success).toBe(false);
    expect(envelopeSchema.safeParse({ ...envelope, type: 'VendorSuspended' }).success).toBe(false);
  });

  it('refuses a payload whose vendor id is not a UUID', () => {
    expect(vendorSuspendedV1.payload.safeParse({ vendorId: 'v-1' }).success).toBe(false);
  });

  it('says which part of which order was delivered, as vendor_order.shipped says which shipped', () => {
    const delivered = {
      orderId: '6f1d2f8f-2a10-4b7e-9a55-0b7f7f9c3f0e',
      orderNumber: 'SH-000123',
      customerId: '3c1a0ab1-d6f1-4f4e-8f43-5d0e7c562f43',
      vendorOrderId: '9a556f1d-2f8f-4a10-8b7e-0b7f7f9c3f0e',
      vendorId: envelope.payload.vendorId,
      number: 'SH-000123-2',
      carrier: 'DHL',
      trackingNumber: 'JD014600006281',
    };
    expect(vendorOrderDeliveredV1).toMatchObject({ type: 'vendor_order.delivered', version: 1 });
    expect(vendorOrderDeliveredV1.payload.parse(delivered)).toEqual(delivered);
    expect(vendorOrderShippedV1.payload.parse(delivered)).toEqual(delivered);
    expect(vendorOrderDeliveredV1.payload.safeParse({ ...delivered, vendorOrderId: 'SH-000123-2' }).success).toBe(false);
    expect(CONTRACTS).toContain(vendorOrderDeliveredV1);
  });

  it('has one contract per type and version', () => {
    const keys = CONTRACTS.map((c) => `${c.type}@${c.version}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
