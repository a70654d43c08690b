import { randomUUID } from 'node:crypto';
import type { Result } from '../../../platform/errors/result.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import type { StoredCart, StoredLine } from '../domain/cart.ts';
import type { CartPrisma, CartTransaction } from './prisma.ts';

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

type CartRow = { id: string; customerId: string | null; currency: string | null; expiresAt: Date | null };
type LineRow = StoredLine & { cartId: string };

/** Rolls a transaction back with an expected outcome. */
class Refused<T> extends Error {
  constructor(readonly result: Result<T>) {
    super('refused');
  }
}

async function linesOf(db: SqlClient, cartIds: readonly string[]): Promise<Map<string, StoredLine[]>> {
  const byCart = new Map<string, StoredLine[]>(cartIds.map((id) => [id, []]));
  if (cartIds.length === 0) return byCart;
  const rows = await db.$queryRaw<LineRow[]>`
    SELECT cart_id::text AS "cartId", variant_id::text AS "variantId", quantity, added_unit_amount AS "addedUnitAmount",
           created_at AS "createdAt", updated_at AS "updatedAt"
    FROM cart_lines WHERE cart_id = ANY(${[...cartIds]}::uuid[])
    ORDER BY created_at, variant_id`;
  for (const { cartId, ...line } of rows) byCart.get(cartId)?.push(line);
  return byCart;
}

async function withLines(db: SqlClient, row: CartRow | undefined): Promise<StoredCart | null> {
  if (!row) return null;
  return { ...row, lines: (await linesOf(db, [row.id])).get(row.id) ?? [] };
}


export function createCartRepository(db: CartPrisma): CartRepository {
  const lockGuest = async (tx: CartTransaction, tokenHash: string, now: Date) =>
    withLines(
      tx,
      (
        await tx.$queryRaw<CartRow[]>`
          SELECT id::text, customer_id::text AS "customerId", currency, expires_at AS "expiresAt"
          FROM carts WHERE token_hash = ${tokenHash} AND expires_at > ${now} FOR UPDATE`
      )[0],
    );

  const lock = async (tx: CartTransaction, target: CartTarget, times: { now: Date; guestExpiresAt: Date }): Promise<StoredCart | null> => {
    if (target.kind === 'customer') {
      await tx.$executeRaw`INSERT INTO carts (id, customer_id) VALUES (${randomUUID()}::uuid, ${target.customerId}::uuid) ON CONFLICT (customer_id) DO NOTHING`;
      const [row] = await tx.$queryRaw<CartRow[]>`
        SELECT id::text, customer_id::text AS "customerId", currency, expires_at AS "expiresAt"
        FROM carts WHERE customer_id = ${target.customerId}::uuid FOR UPDATE`;
      return withLines(tx, row);
    }
    const found = await lockGuest(tx, target.tokenHash, times.now);
    if (found || !target.create) return found;
    // A token is new random bits each time, so its hash cannot collide with a live cart's.
    const id = randomUUID();
    await tx.$executeRaw`INSERT INTO carts (id, token_hash, expires_at) VALUES (${id}::uuid, ${target.tokenHash}, ${times.guestExpiresAt})`;
    return { id, customerId: null, currency: null, expiresAt: times.guestExpiresAt, lines: [] };
  };

  return {
    async findByCustomer(customerId) {
      return withLines(db, (await db.$queryRaw<CartRow[]>`SELECT id::text, customer_id::text AS "customerId", currency, expires_at AS "expiresAt" FROM carts WHERE customer_id = ${customerId}::uuid`)[0]);
    },

    async findByTokenHash(tokenHash, now) {
      return withLines(
        db,
        (await db.$queryRaw<CartRow[]>`SELECT id::text, customer_id::text AS "customerId", currency, expires_at AS "expiresAt" FROM carts WHERE token_hash = ${tokenHash} AND expires_at > ${now}`)[0],
      );
    },

    async findForCustomer(cartId, customerId) {
      return withLines(
        db,
        (await db.$queryRaw<CartRow[]>`SELECT id::text, customer_id::text AS "customerId", currency, expires_at AS "expiresAt" FROM carts WHERE id = ${cartId}::uuid AND customer_id = ${customerId}::uuid`)[0],
      );
    },

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

    async removeOrderedLines(tx, cartId, variantIds, before) {
      if (variantIds.length === 0) return 0;
      const removed = await tx.$executeRaw`
        DELETE FROM cart_lines WHERE cart_id = ${cartId}::uuid AND variant_id = ANY(${[...variantIds]}::uuid[]) AND updated_at <= ${before}`;
      await tx.$executeRaw`
        UPDATE carts SET currency = NULL, updated_at = now()
        WHERE id = ${cartId}::uuid AND currency IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cart_lines WHERE cart_id = ${cartId}::uuid)`;
      return removed;
    },

    async deleteExpired(now, limit) {
      return db.$executeRaw`
        DELETE FROM carts WHERE id IN (
          SELECT id FROM carts WHERE expires_at <= ${now} ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
    },
  };
}

