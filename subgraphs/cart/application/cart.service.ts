import { signedIn } from '../../../platform/auth/access.ts';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import {
  decideAdd,
  decideUpdate,
  planMerge,
  sellable,
  validateQuantity,
  validateVariantId,
  viewCart,
  type CartView,
  type SaleVariant,
  type StoredCart,
} from '../domain/cart.ts';
import { CartErrorCodes } from '../domain/error-codes.ts';
import { cartTokenHash, newCartToken } from '../infra/cart-token.ts';
import type { CartRepository, CartTarget } from '../infra/cart.repository.ts';
import type { Clock } from './clock.ts';
import type { CartScope } from './scope.ts';

/** What a cart mutation answers: the cart after the change, and a new guest cart's token (once). */
export interface CartChange {
  cart: CartView;
  cartToken: string | null;
}

export interface AddCartLineInput {
  variantId: string;
  quantity: number;
  cartToken?: string | null;
}
export type UpdateCartLineInput = AddCartLineInput;
export interface RemoveCartLineInput {
  variantId: string;
  cartToken?: string | null;
}

/**
 * Carts for signed-in customers (by their user id) and guests (by cart token). Every read and
 * every change prices the cart with catalog's answer of this request and shows inventory's
 * availability of this request; nothing from either is stored but the unit price a line was set
 * at (for PRICE_CHANGED). Expected failures are userErrors; a failed read of catalog or
 * inventory is thrown (the cart cannot be shown right without them).
 */
export interface CartService {
  /** The signed-in caller's cart, or null (thrown UNAUTHENTICATED for a guest). */
  myCart(scope: CartScope): Promise<CartView | null>;
  /** A guest cart by token; null when unknown, malformed or expired. */
  guestCart(scope: CartScope, cartToken: string): Promise<CartView | null>;
  addLine(scope: CartScope, input: AddCartLineInput): Promise<Result<CartChange>>;
  updateLine(scope: CartScope, input: UpdateCartLineInput): Promise<Result<CartChange>>;
  removeLine(scope: CartScope, input: RemoveCartLineInput): Promise<Result<CartChange>>;
  /** Signed-in callers only (thrown UNAUTHENTICATED otherwise). */
  mergeGuestCart(scope: CartScope, input: { cartToken: string }): Promise<Result<CartChange>>;
}

export interface CartServiceDeps {
  carts: CartRepository;
  clock: Clock;
  /** How long a guest cart lives after its last change. */
  guestCartTtlMs: number;
}

const cartNotFound = <T>(field: string[] = ['input', 'cartToken']): Result<T> =>
  fail(userError(CartErrorCodes.CART_NOT_FOUND, 'No cart was found for this token; it may have expired. Start a new one by adding without a token.', field));

/** Whose cart a request means, and the token of a guest cart it is about to create. */
interface Addressed {
  target: CartTarget;
  newToken: string | null;
}

export function createCartService(deps: CartServiceDeps): CartService {
  const times = () => {
    const now = deps.clock();
    return { now, guestExpiresAt: new Date(now.getTime() + deps.guestCartTtlMs) };
  };

  /** Signed in: their own cart (no token expected). Guest: the token's cart, or a new one when `createGuest`. */
  const address = (scope: CartScope, cartToken: string | null | undefined, createGuest: boolean): Result<Addressed> => {
    if (scope.viewer) {
      if (cartToken !== null && cartToken !== undefined) {
        return fail(
          userError(CartErrorCodes.CART_TOKEN_NOT_EXPECTED, 'You are signed in: your own cart is used. Move a guest cart into it with mergeGuestCart.', ['input', 'cartToken']),
        );
      }
      return ok({ target: { kind: 'customer', customerId: scope.viewer.userId }, newToken: null });
    }
    if (cartToken === null || cartToken === undefined) {
      if (!createGuest) return cartNotFound();
      const token = newCartToken();
      return ok({ target: { kind: 'guest', tokenHash: cartTokenHash(token) ?? '', create: true }, newToken: token });
    }
    const tokenHash = cartTokenHash(cartToken);
    return tokenHash ? ok({ target: { kind: 'guest', tokenHash, create: false }, newToken: null }) : cartNotFound();
  };

  /** Catalog's and inventory's answers for these variants, through the request's loaders (one call each per tick). */
  const lookups = async (scope: CartScope, variantIds: readonly string[]) => {
    scope.signal.throwIfAborted();
    const [variants, available] = await Promise.all([scope.loaders.variantById.loadMany(variantIds), scope.loaders.availableByVariant.loadMany(variantIds)]);
    const variantMap = new Map<string, SaleVariant>();
    const availableMap = new Map<string, number>();
    variantIds.forEach((id, index) => {
      const variant = variants[index];
      const units = available[index];
      if (variant instanceof Error) throw variant;
      if (units instanceof Error) throw units;
      if (variant) variantMap.set(id, variant);
      availableMap.set(id, units?.available ?? 0);
    });
    return { variants: variantMap, available: availableMap };
  };

  const view = async (scope: CartScope, cart: StoredCart): Promise<CartView> => {
    const { variants, available } = await lookups(scope, cart.lines.map((line) => line.variantId));
    return viewCart(cart, variants, available);
  };

  const reread = async (target: CartTarget): Promise<StoredCart> => {
    const cart = target.kind === 'customer' ? await deps.carts.findByCustomer(target.customerId) : await deps.carts.findByTokenHash(target.tokenHash, deps.clock());
    // The change just committed; only a sweep racing a cart at the very end of its life could miss it.
    if (!cart) throw new Error('a cart vanished right after it was changed');
    return cart;
  };

  /** Runs a change on the addressed cart and answers the cart after it, priced now. */
  const change = async (
    scope: CartScope,
    addressed: Addressed,
    work: Parameters<CartRepository['withCart']>[2],
    log: Record<string, unknown>,
  ): Promise<Result<CartChange>> => {
    const changed = await deps.carts.withCart(addressed.target, times(), work);
    if (changed === null) return cartNotFound();
    if (!changed.ok) return changed;
    scope.logger.child({ component: 'CartService' }).info({ ...log, guest: addressed.target.kind === 'guest' }, 'cart changed');
    return ok({ cart: await view(scope, await reread(addressed.target)), cartToken: addressed.newToken });
  };

  return {
    async myCart(scope) {
      const viewer = valueOrThrow(signedIn(scope.viewer, 'Sign in to see your cart, or read a guest cart with cart(cartToken).'));
      const cart = await deps.carts.findByCustomer(viewer.userId);
      return cart ? view(scope, cart) : null;
    },

    async guestCart(scope, cartToken) {
      const tokenHash = cartTokenHash(cartToken);
      if (!tokenHash) return null;
      const cart = await deps.carts.findByTokenHash(tokenHash, deps.clock());
      return cart ? view(scope, cart) : null;
    },

    async addLine(scope, input) {
      const quantity = validateQuantity(input.quantity);
      if (!quantity.ok) return quantity;
      const variantId = validateVariantId(input.variantId);
      if (!variantId.ok) return variantId;
      const addressed = address(scope, input.cartToken, true);
      if (!addressed.ok) return addressed;
      const variant = sellable(await scope.loaders.variantById.load(variantId.value));
      if (!variant.ok) return variant;
      return change(
        scope,
        addressed.value,
        async (cart, writer) => {
          const decided = decideAdd(cart, variant.value, quantity.value);
          if (!decided.ok) return decided;
          await writer.setLine(decided.value);
          await writer.setCurrency(decided.value.currency);
          return ok(undefined);
        },
        { op: 'addCartLine', variantId: variantId.value, quantity: quantity.value },
      );
    },

    async updateLine(scope, input) {
      const quantity = validateQuantity(input.quantity);
      if (!quantity.ok) return quantity;
      const variantId = validateVariantId(input.variantId);
      if (!variantId.ok) return variantId;
      const addressed = address(scope, input.cartToken, false);
      if (!addressed.ok) return addressed;
      const variant = await scope.loaders.variantById.load(variantId.value);
      return change(
        scope,
        addressed.value,
        async (cart, writer) => {
          const decided = decideUpdate(cart, variantId.value, variant, quantity.value);
          if (!decided.ok) return decided;
          await writer.setLine(decided.value);
          if (decided.value.currency) await writer.setCurrency(decided.value.currency);
          return ok(undefined);
        },
        { op: 'updateCartLine', variantId: variantId.value, quantity: quantity.value },
      );
    },

    async removeLine(scope, input) {
      const variantId = validateVariantId(input.variantId);
      if (!variantId.ok) return variantId;
      const addressed = address(scope, input.cartToken, false);
      if (!addressed.ok) return addressed;
      return change(
        scope,
        addressed.value,
        async (_cart, writer) => {
          await writer.removeLine(variantId.value);
          return ok(undefined);
        },
        { op: 'removeCartLine', variantId: variantId.value },
      );
    },

    async mergeGuestCart(scope, input) {
      const viewer = valueOrThrow(signedIn(scope.viewer, 'Sign in first: a guest cart is merged into your own cart.'));
      const tokenHash = cartTokenHash(input.cartToken);
      if (!tokenHash) return cartNotFound();
      const guest = await deps.carts.findByTokenHash(tokenHash, deps.clock());
      if (!guest) return cartNotFound();
      // Read before locking: no lock is held while catalog and inventory answer.
      const { variants, available } = await lookups(scope, guest.lines.map((line) => line.variantId));
      return change(
        scope,
        { target: { kind: 'customer', customerId: viewer.userId }, newToken: null },
        async (cart, writer) => {
          const lockedGuest = await writer.lockGuest(tokenHash);
          if (!lockedGuest) return cartNotFound();
          const plan = planMerge(cart, lockedGuest, variants, available);
          if (!plan.ok) return plan;
          for (const line of plan.value.lines) await writer.setLine(line);
          if (plan.value.currency) await writer.setCurrency(plan.value.currency);
          await writer.deleteCart(lockedGuest.id);
          return ok(undefined);
        },
        { op: 'mergeGuestCart', guestCartId: guest.id },
      );
    },
  };
}
