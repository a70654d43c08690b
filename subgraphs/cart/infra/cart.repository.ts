import { randomUUID } from 'node:crypto';
import type { Result } from '../../../platform/errors/result.ts';
import { gatheredPerTransaction } from '../../../platform/messaging/gathered.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import type { StoredCart, StoredLine } from '../domain/cart.ts';
import type { CartDatabase } from './prisma.ts';

/** Which cart a change is for: a customer's (created on first use) or a guest's by token hash. */
export type CartTarget =
  | { kind: 'customer'; customerId: string }
  | { kind: 'guest'; tokenHash: string; /** Creates the guest cart when no cart has this hash. */ create: boolean };

/** The writes a change may make to the locked cart, inside its transaction. */
export interface CartWriter {
  /** Sets a line's quantity and the price the shopper saw (a new line when there is none). */
  setLine(line: { variantId: string; quantity: number; addedUnitAmount: number }): Promise<void>;
  /** Removes a line; false when there was none. */
  removeLine(variantId: string): Promise<boolean>;
  /** The cart's currency from now on (its first line's); cleared by itself when the cart ends up empty. */
  setCurrency(currency: string): Promise<void>;
  /** Locks a guest cart too (always after the customer's: one lock order, no deadlock). */
  lockGuest(tokenHash: string): Promise<StoredCart | null>;
  deleteCart(cartId: string): Promise<void>;
}

export interface CartRepository {
  /** The customer's cart, or null if they never had one. */
  findByCustomer(customerId: string): Promise<StoredCart | null>;
  /** The guest cart with this token hash, unless it has expired by `now`. */
  findByTokenHash(tokenHash: string, now: Date): Promise<StoredCart | null>;
  /** The cart if it is this customer's, else null (someone else's cart is not told apart from a missing one). */
  findForCustomer(cartId: string, customerId: string): Promise<StoredCart | null>;
  /**
   * Runs a change on one cart under its row lock, in one transaction: the cart is locked (a
   * customer's created on first use, a guest's created when asked), `work` decides on what is
   * stored now and writes through the writer, and the cart's expiry (guests) and timestamp move
   * on. A failed Result rolls everything back, a cart created for it included. Null when the
   * guest cart does not exist (or expired).
   */
  withCart<T>(target: CartTarget, times: { now: Date; guestExpiresAt: Date }, work: (cart: StoredCart, writer: CartWriter) => Promise<Result<T>>): Promise<Result<T> | null>;
  /**
   * order.confirmed: removes the ordered variants' lines that were last set before `before` (a
   * line the shopper changed after the order was confirmed stays), through the message's transaction.
   */
  removeOrderedLines(tx: SqlClient, cartId: string, variantIds: readonly string[], before: Date): Promise<number>;
  /** Deletes up to `limit` guest carts expired by `now` (their lines go with them); how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

type CartRow = Omit<StoredCart, 'lines'>;
/** A line as json_agg hands it over: its times are ISO strings. */
type LineJson = Omit<StoredLine, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

/** Rolls a transaction back with an expected outcome. */
class Refused<T> extends Error {
  constructor(readonly result: Result<T>) {
    super('refused');
  }
}

/**
 * A cart with its lines in one statement (a json subquery), so a read is one round trip under
 * one snapshot. The text is a constant of this module, never input: $queryRawUnsafe only splices
 * it, every value still travels as a bind parameter.
 */
const CART_WITH_LINES = `
  SELECT c.id::text, c.customer_id::text AS "customerId", c.currency, c.expires_at AS "expiresAt",
         (SELECT coalesce(json_agg(json_build_object(
                   'variantId', l.variant_id, 'quantity', l.quantity, 'addedUnitAmount', l.added_unit_amount,
                   'createdAt', l.created_at, 'updatedAt', l.updated_at) ORDER BY l.created_at, l.variant_id), '[]'::json)
          FROM cart_lines l WHERE l.cart_id = c.id) AS lines
  FROM carts c`;

async function readCart(db: SqlClient, where: string, ...values: unknown[]): Promise<StoredCart | null> {
  const [row] = await db.$queryRawUnsafe<(CartRow & { lines: LineJson[] })[]>(`${CART_WITH_LINES} WHERE ${where}`, ...values);
  if (!row) return null;
  return { ...row, lines: row.lines.map((line) => ({ ...line, createdAt: new Date(line.createdAt), updatedAt: new Date(line.updatedAt) })) };
}

/**
 * The cart whose row the caller has just locked, read by a statement of its own: a re-checked
 * `FOR UPDATE` row comes back as the lock holder left it, but a subquery of that statement would
 * still read the lines as of the statement's start, missing the ones the holder wrote.
 */
async function readLocked(tx: SqlClient, locked: readonly { id: string }[]): Promise<StoredCart | null> {
  const [row] = locked;
  return row ? readCart(tx, 'c.id = $1::uuid', row.id) : null;
}

export function createCartRepository(db: CartDatabase): CartRepository {
  /**
   * The removals of one inbox batch's order.confirmed messages (its handlers ask in one tick) in
   * one statement. The parts of a WITH share one snapshot, so a cart's lines left are its lines the
   * DELETE did not take (a line set again after `before` among them), and its currency goes only
   * when none is left. How many lines each removal took.
   */
  const removeWithOthers = gatheredPerTransaction(async (tx, removals: readonly { cartId: string; variantIds: readonly string[]; before: Date }[]) => {
    const asked = { removal: [] as number[], cartIds: [] as string[], variantIds: [] as string[], befores: [] as string[] };
    removals.forEach((removal, index) => {
      for (const variantId of removal.variantIds) {
        asked.removal.push(index);
        asked.cartIds.push(removal.cartId);
        asked.variantIds.push(variantId);
        asked.befores.push(removal.before.toISOString());
      }
    });
    const rows = await tx.$queryRaw<{ removal: number; removed: number }[]>`
      WITH asked AS (
        SELECT * FROM unnest(${asked.removal}::int[], ${asked.cartIds}::uuid[], ${asked.variantIds}::uuid[], ${asked.befores}::timestamptz[])
          AS a(removal, cart_id, variant_id, before)
      ), removed AS (
        DELETE FROM cart_lines l USING asked a
        WHERE l.cart_id = a.cart_id AND l.variant_id = a.variant_id AND l.updated_at <= a.before
        RETURNING a.removal, l.cart_id, l.variant_id
      ), emptied AS (
        UPDATE carts c SET currency = NULL, updated_at = now()
        WHERE c.id IN (SELECT cart_id FROM asked) AND c.currency IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM cart_lines l
            WHERE l.cart_id = c.id AND NOT EXISTS (SELECT 1 FROM removed r WHERE r.cart_id = l.cart_id AND r.variant_id = l.variant_id))
      )
      SELECT removal, count(*)::int AS removed FROM removed GROUP BY removal`;
    const removed = new Map(rows.map((row) => [row.removal, row.removed]));
    return removals.map((_, index) => removed.get(index) ?? 0);
  });

  const lockGuest = async (tx: SqlClient, tokenHash: string, now: Date) =>
    readLocked(tx, await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM carts WHERE token_hash = ${tokenHash} AND expires_at > ${now} FOR UPDATE`);

  const lock = async (tx: SqlClient, target: CartTarget, times: { now: Date; guestExpiresAt: Date }): Promise<StoredCart | null> => {
    if (target.kind === 'customer') {
      await tx.$executeRaw`INSERT INTO carts (id, customer_id) VALUES (${randomUUID()}::uuid, ${target.customerId}::uuid) ON CONFLICT (customer_id) DO NOTHING`;
      return readLocked(tx, await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM carts WHERE customer_id = ${target.customerId}::uuid FOR UPDATE`);
    }
    const found = await lockGuest(tx, target.tokenHash, times.now);
    if (found || !target.create) return found;
    // A token is new random bits each time, so its hash cannot collide with a live cart's.
    const id = randomUUID();
    await tx.$executeRaw`INSERT INTO carts (id, token_hash, expires_at) VALUES (${id}::uuid, ${target.tokenHash}, ${times.guestExpiresAt})`;
    return { id, customerId: null, currency: null, expiresAt: times.guestExpiresAt, lines: [] };
  };

  return {
    findByCustomer: (customerId) => readCart(db, 'c.customer_id = $1::uuid', customerId),

    findByTokenHash: (tokenHash, now) => readCart(db, 'c.token_hash = $1 AND c.expires_at > $2', tokenHash, now),

    findForCustomer: (cartId, customerId) => readCart(db, 'c.id = $1::uuid AND c.customer_id = $2::uuid', cartId, customerId),

    async withCart(target, times, work) {
      try {
        return await db.$transaction(async (tx) => {
          const cart = await lock(tx, target, times);
          if (!cart) return null;
          const writer: CartWriter = {
            async setLine(line) {
              await tx.$executeRaw`
                INSERT INTO cart_lines (cart_id, variant_id, quantity, added_unit_amount, created_at, updated_at)
                VALUES (${cart.id}::uuid, ${line.variantId}::uuid, ${line.quantity}, ${line.addedUnitAmount}, now(), now())
                ON CONFLICT (cart_id, variant_id) DO UPDATE
                  SET quantity = EXCLUDED.quantity, added_unit_amount = EXCLUDED.added_unit_amount, updated_at = now()`;
            },
            async removeLine(variantId) {
              return (await tx.$executeRaw`DELETE FROM cart_lines WHERE cart_id = ${cart.id}::uuid AND variant_id = ${variantId}::uuid`) > 0;
            },
            async setCurrency(currency) {
              await tx.$executeRaw`UPDATE carts SET currency = ${currency} WHERE id = ${cart.id}::uuid`;
            },
            lockGuest: (tokenHash) => lockGuest(tx, tokenHash, times.now),
            async deleteCart(cartId) {
              await tx.$executeRaw`DELETE FROM carts WHERE id = ${cartId}::uuid`;
            },
          };
          const result = await work(cart, writer);
          if (!result.ok) throw new Refused(result);
          // An emptied cart forgets its currency; a guest cart lives on from its last change.
          await tx.$executeRaw`
            UPDATE carts SET
              updated_at = now(),
              currency = CASE WHEN EXISTS (SELECT 1 FROM cart_lines WHERE cart_id = ${cart.id}::uuid) THEN currency ELSE NULL END,
              expires_at = CASE WHEN token_hash IS NULL THEN NULL ELSE ${times.guestExpiresAt}::timestamptz END
            WHERE id = ${cart.id}::uuid`;
          return result;
        });
      } catch (error) {
        if (error instanceof Refused) return error.result;
        throw error;
      }
    },

    removeOrderedLines: (tx, cartId, variantIds, before) => (variantIds.length === 0 ? Promise.resolve(0) : removeWithOthers(tx, { cartId, variantIds, before })),

    async deleteExpired(now, limit) {
      return db.$executeRaw`
        DELETE FROM carts WHERE id IN (
          SELECT id FROM carts WHERE expires_at <= ${now} ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
    },
  };
}

