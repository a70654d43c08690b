import { z } from 'zod';

/** Money on the bus: an integer of minor units and an ISO 4217 code, as everywhere else. */
export const moneySchema = z.object({
  amount: z.number().int().nonnegative().max(1_000_000_000_00),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/** The order a saga message belongs to: the orders subgraph's order id, the saga's key everywhere. */
export const orderRef = z.object({ orderId: z.uuid() });

/** The most lines one order (and so one reservation or one message) may carry. */
export const MAX_ORDER_LINES = 100;
