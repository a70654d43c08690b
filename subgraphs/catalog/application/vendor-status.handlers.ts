import { vendorReinstatedV1, vendorSuspendedV1 } from '../../../contracts/vendor.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/inbox-consumer.ts';
import type { ListingCache } from '../infra/listing-cache.ts';
import type { VendorSuspensionRepository } from '../infra/vendor-suspension.repository.ts';

/** The consumer's name: its queue is `<MESSAGING_PREFIX>catalog.vendor-status` (see subgraphs/registry.ts). */
export const VENDOR_STATUS_CONSUMER = 'catalog.vendor-status';

/**
 * vendor.suspended / vendor.reinstated from the users subgraph: record the store's standing in
 * catalog's own table (shopper listings, search, facets and product pages filter on it), then,
 * once committed, drop every cached public listing. Product entities stay cached: they do not
 * hold the standing, product pages check it on each read.
 */
export function vendorStatusHandlers(deps: { suspensions: VendorSuspensionRepository; listings: Pick<ListingCache, 'bumpVersion'>; logger: Logger }): MessageHandler[] {
  const log = deps.logger.child({ component: 'VendorStatusHandlers' });
  const handler = (suspended: boolean) => ({
    async handle(message: { id: string; occurredAt: string; payload: { vendorId: string } }, tx: Parameters<VendorSuspensionRepository['apply']>[0]) {
      const applied = await deps.suspensions.apply(tx, { vendorId: message.payload.vendorId, suspended, at: new Date(message.occurredAt), messageId: message.id });
      log.info({ vendorId: message.payload.vendorId, suspended, applied, messageId: message.id }, applied ? 'store standing changed' : 'older store standing event ignored');
    },
    async afterCommit() {
      await deps.listings.bumpVersion();
    },
  });
  return [defineHandler({ contract: vendorSuspendedV1, ...handler(true) }), defineHandler({ contract: vendorReinstatedV1, ...handler(false) })];
}
