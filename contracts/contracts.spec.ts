import { describe, expect, it } from 'vitest';
import { CONTRACTS, envelopeSchema, vendorSuspendedV1 } from './index.ts';

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

  it('has one contract per type and version', () => {
    const keys = CONTRACTS.map((c) => `${c.type}@${c.version}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
