import { z } from 'zod';
import { defineContract } from './envelope.ts';
import { MAX_ORDER_LINES, orderRef } from './shared.ts';

const stockLine = z.object({ variantId: z.uuid(), quantity: z.number().int().positive().max(10_000) });

/** Command (orders → inventory): hold these units for the order until committed, released or expired. */
export const reserveStockV1 = defineContract(
  'inventory.reserve',
  1,
  orderRef.extend({ lines: z.array(stockLine).min(1).max(MAX_ORDER_LINES), ttlSeconds: z.number().int().positive().max(86_400) }),
);

/** Every unit of the order is held. */
export const stockReservedV1 = defineContract('inventory.stock_reserved', 1, orderRef.extend({ reservationId: z.uuid(), expiresAt: z.iso.datetime({ offset: true }) }));

/** Nothing was held (all or nothing): some line was short, or the request was refused. */
export const stockReservationFailedV1 = defineContract(
  'inventory.reservation_failed',
  1,
  orderRef.extend({
    reason: z.enum(['STOCK_INSUFFICIENT', 'RESERVATION_REFERENCE_CONFLICT', 'INVALID_REQUEST']),
    /** The lines that were short, with what was available when tried. */
    shortages: z.array(z.object({ variantId: z.uuid(), requested: z.number().int(), available: z.number().int() })).max(MAX_ORDER_LINES).default([]),
  }),
);

/** Command (orders → inventory): the order is paid for; turn its hold into a sale (on hand goes down). */
export const commitStockV1 = defineContract('inventory.commit', 1, orderRef);

/** The order's units left stock for good. */
export const stockCommittedV1 = defineContract('inventory.stock_committed', 1, orderRef);

/** The hold could not be committed (it was released, e.g. expired and swept): the order must be compensated. */
export const stockCommitFailedV1 = defineContract(
  'inventory.commit_failed',
  1,
  orderRef.extend({ reason: z.enum(['RESERVATION_NOT_FOUND', 'RESERVATION_ILLEGAL_TRANSITION']) }),
);

/**
 * Command (orders → inventory): give back whatever the order holds. An active hold is released; a
 * committed one is returned to on hand (a cancelled order that had not shipped). Idempotent; an
 * order inventory never held anything for is released trivially.
 */
export const releaseStockV1 = defineContract('inventory.release', 1, orderRef.extend({ reason: z.string().max(200) }));

/** The order holds no stock any more; `returned` when committed units went back on hand. */
export const stockReleasedV1 = defineContract('inventory.stock_released', 1, orderRef.extend({ returned: z.boolean() }));

/** A variant's total availability fell to or below its threshold (raised once per crossing). */
export const lowStockV1 = defineContract(
  'inventory.low_stock',
  1,
  z.object({ variantId: z.uuid(), vendorId: z.uuid().nullable(), available: z.number().int().nonnegative(), threshold: z.number().int().nonnegative() }),
);
