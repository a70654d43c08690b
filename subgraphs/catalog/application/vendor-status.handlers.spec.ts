import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../contracts/envelope.ts';
import { createCatalogHarness, type CatalogHarness } from '../testing/harness.ts';
import { vendorStatusHandlers } from './vendor-status.handlers.ts';

let h: CatalogHarness;
beforeAll(async () => {
  h = await createCatalogHarness({ scope: 'vendor-status' });
});
afterAll(async () => {
  await h?.close();
});

describe('vendor status handlers', () => {
  const handlers = () => vendorStatusHandlers({ suspensions: h.deps.suspensions, listings: h.deps.listings, logger: h.logger });
  const deliver = async (type: 'vendor.suspended' | 'vendor.reinstated', vendorId: string, occurredAt: Date) => {
    const handler = handlers().find((candidate) => candidate.contract.type === type)!;
    const message: Envelope = { id: randomUUID(), type, version: 1, occurredAt: occurredAt.toISOString(), correlationId: 'spec', payload: { vendorId } };
    await h.prisma.$transaction((tx) => handler.handle(message, tx));
    await handler.afterCommit?.(message);
  };
  const suspended = async (vendorId: string) => (await h.deps.suspensions.suspendedAmong([vendorId])).includes(vendorId);

  it('suspends and reinstates a store in catalog’s own record', async () => {
    const vendorId = randomUUID();
    await deliver('vendor.suspended', vendorId, new Date(Date.now() - 1_000));
    expect(await suspended(vendorId)).toBe(true);
    await deliver('vendor.reinstated', vendorId, new Date());
    expect(await suspended(vendorId)).toBe(false);
  });

  it('ignores an event older than the last one applied (a retried or reordered delivery)', async () => {
    const vendorId = randomUUID();
    const t0 = Date.now();
    await deliver('vendor.reinstated', vendorId, new Date(t0));
    await deliver('vendor.suspended', vendorId, new Date(t0 - 5_000));
    expect(await suspended(vendorId)).toBe(false);
  });

  it('drops every cached public listing once the change has committed', async () => {
    const before = await h.redis.get('listing:version');
    await deliver('vendor.suspended', randomUUID(), new Date());
    expect(await h.redis.get('listing:version')).not.toBe(before);
  });
});
