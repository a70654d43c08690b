import { z } from 'zod';
import { defineContract } from './envelope.ts';

/** The fields both vendor status events carry. */
const vendorStatusChange = z.object({
  /** The users subgraph's vendor id (a UUID), the id catalog's products point at. */
  vendorId: z.uuid(),
  /** Why an admin changed the status, when they said; never shown to shoppers. */
  reason: z.string().max(500).nullish(),
  /** The admin who did it. */
  changedBy: z.uuid().nullish(),
});

/** A vendor's store was suspended: its products must leave sale until it is reinstated. */
export const vendorSuspendedV1 = defineContract('vendor.suspended', 1, vendorStatusChange);

/** A suspended vendor's store was reinstated: its products go back on sale. */
export const vendorReinstatedV1 = defineContract('vendor.reinstated', 1, vendorStatusChange);
