import { z } from 'zod';

/**
 * What every message on the bus carries, whatever its type: a unique id (consumers dedupe on
 * it), the contract it follows (`type` + `version`), when the fact happened, the id of the
 * request that caused it, and a payload its contract validates on receipt.
 */
export const envelopeSchema = z.object({
  id: z.uuid(),
  /** Dotted, past tense for events (`vendor.suspended`), imperative for commands (`inventory.reserve`). */
  type: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'a dotted lower-case message type'),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  /** The request id that started the chain (the gateway's x-request-id), so logs join across services. */
  correlationId: z.string().min(1).max(200),
  payload: z.unknown(),
});

export type Envelope<TPayload = unknown> = Omit<z.infer<typeof envelopeSchema>, 'payload'> & { payload: TPayload };

/** One versioned message contract: its type, version and payload schema. */
export interface MessageContract<TType extends string = string, TPayload = unknown> {
  type: TType;
  version: number;
  payload: z.ZodType<TPayload>;
}

/** Declares a contract; a new version of a type is a new contract, the old stays until nobody sends it. */
export function defineContract<TType extends string, TPayload>(type: TType, version: number, payload: z.ZodType<TPayload>): MessageContract<TType, TPayload> {
  return { type, version, payload };
}

/** The payload type of a contract. */
export type PayloadOf<TContract> = TContract extends MessageContract<string, infer TPayload> ? TPayload : never;
