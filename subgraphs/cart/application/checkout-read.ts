import { z } from 'zod';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { CartRepository } from '../infra/cart.repository.ts';

/** What `POST /internal/carts/checkout` accepts: the cart orders is placing and the customer placing it. */
export const checkoutCartBody = z.object({
  cartId: z.string().refine(isUuid, 'not a UUID'),
  customerId: z.string().refine(isUuid, 'not a UUID'),
});
export type CheckoutCartBody = z.infer<typeof checkoutCartBody>;

/** The cart's lines as checkout needs them (orders reads names and prices from catalog itself); null when not this customer's. */
export interface CheckoutCartAnswer {
  cart: { id: string; customerId: string; currency: string | null; lines: { variantId: string; quantity: number }[] } | null;
}

/**
 * Orders' read of a cart at placeOrder (cluster-only, on the internal listener): the cart only if
 * it is the given customer's. A missing cart and another customer's answer the same `{ cart: null }`,
 * so a caller cannot learn that a cart exists. Guest carts are never answered (checkout needs an account).
 */
export function createCheckoutCartRead(deps: { carts: Pick<CartRepository, 'findForCustomer'> }) {
  return {
    async read(body: CheckoutCartBody): Promise<CheckoutCartAnswer> {
      const cart = await deps.carts.findForCustomer(body.cartId.toLowerCase(), body.customerId.toLowerCase());
      if (!cart || cart.customerId === null) return { cart: null };
      return {
        cart: {
          id: cart.id,
          customerId: cart.customerId,
          currency: cart.lines.length > 0 ? cart.currency : null,
          lines: cart.lines.map((line) => ({ variantId: line.variantId, quantity: line.quantity })),
        },
      };
    },
  };
}
