import { vendorReinstatedV1, vendorSuspendedV1 } from './vendor.ts';

export { envelopeSchema, defineContract } from './envelope.ts';
export type { Envelope, MessageContract, PayloadOf } from './envelope.ts';
export { vendorReinstatedV1, vendorSuspendedV1 } from './vendor.ts';

/**
 * Every contract a service may send or receive. Producers and consumers both import from here,
 * so a contract has one definition; the routing key of a message is its `type`.
 */
export const CONTRACTS = [vendorSuspendedV1, vendorReinstatedV1] as const;
