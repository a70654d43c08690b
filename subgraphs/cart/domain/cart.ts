import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { add, money, multiply, type Money } from '../../../platform/money/money.ts';
import { CartErrorCodes } from './error-codes.ts';

/** The most units of one variant a line may hold. */
export const MAX_LINE_QUANTITY = 99;
/** The most lines (distinct variants) one cart may hold; also the bound of every list of a cart. */
export const MAX_CART_LINES = 100;

/** What a line tells the shopper has changed since it was added; a warning never blocks anything. */
export const CartLineWarnings = ['PRICE_CHANGED', 'LOW_AVAILABILITY', 'OUT_OF_STOCK', 'NO_LONGER_ON_SALE'] as const;
export type CartLineWarning = (typeof CartLineWarnings)[number];

/** A line as the cart database keeps it: no name, no price but the one it was added at. */
export interface StoredLine {
  variantId: string;
  quantity: number;
  /** Catalog's unit price (minor units, the cart's currency) when the line was last set by the shopper. */
  addedUnitAmount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A cart as stored: a customer's (customerId) or a guest's (expiresAt set). */
export interface StoredCart {
  id: string;
  customerId: string | null;
  /** Set by the first line; null while the cart is empty. */
  currency: string | null;
  /** Guest carts only. */
  expiresAt: Date | null;
  lines: StoredLine[];
}

/** A variant as catalog answers it, read fresh for every request. */
export interface SaleVariant {
  id: string;
  productId: string;
  vendorId: string;
  sku: string;
  productName: string;
  title: string | null;
  price: Money;
  /** ACTIVE and its store not suspended. */
  onSale: boolean;
}

/** A line as the shopper sees it: catalog's current name and price, inventory's availability. */
export interface CartLineView {
  variantId: string;
  productId: string;
  vendorId: string;
  sku: string;
  productName: string;
  title: string | null;
  quantity: number;
  unitPrice: Money;
  /** The unit price when the shopper last set this line. */
  priceWhenAdded: Money;
  lineTotal: Money;
  available: number;
  onSale: boolean;
  warnings: CartLineWarning[];
}

/** One store's share of the cart (what becomes one vendor order at checkout). */
export interface VendorTotal {
  vendorId: string;
  quantity: number;
  subtotal: Money;
}

export interface CartView {
  id: string;
  currency: string | null;
  expiresAt: Date | null;
  lines: CartLineView[];
  vendors: VendorTotal[];
  /** Sum of the lines that can be bought (on sale, in the cart's currency); null while the cart is empty. */
  subtotal: Money | null;
  totalQuantity: number;
}

const quantityInvalid = (field: string[]) =>
  fail(userError(CartErrorCodes.CART_QUANTITY_INVALID, `A quantity is a whole number from 1 to ${MAX_LINE_QUANTITY}.`, field));

/** 1..99, a whole number: 0, negative and absurd quantities are refused (removing a line is removeCartLine). */
export function validateQuantity(quantity: number, field: string[] = ['input', 'quantity']): Result<number> {
  return Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_LINE_QUANTITY ? ok(quantity) : quantityInvalid(field);
}

const variantNotFound = () => fail(userError(CartErrorCodes.CART_VARIANT_NOT_FOUND, 'No product variant has this id.', ['input', 'variantId']));

/** A variant id that is not a UUID names nothing: the same answer as an unknown one, without asking catalog. */
export function validateVariantId(variantId: string): Result<string> {
  return isUuid(variantId) ? ok(variantId.toLowerCase()) : variantNotFound();
}

/** Catalog's answer for a variant the shopper wants more of: it must exist and be on sale. */
export function sellable(variant: SaleVariant | null): Result<SaleVariant> {
  if (!variant) return variantNotFound();
  if (!variant.onSale) return fail(userError(CartErrorCodes.CART_VARIANT_NOT_ON_SALE, 'This product cannot be bought right now.', ['input', 'variantId']));
  return ok(variant);
}

/** The one line a change writes: its new quantity, the price the shopper now saw, and the cart's currency. */
export interface LineChange {
  variantId: string;
  quantity: number;
  addedUnitAmount: number;
  currency: string;
}

function sameCurrency(cart: StoredCart, variant: SaleVariant): Result<void> {
  if (cart.lines.length > 0 && cart.currency !== null && cart.currency !== variant.price.currency) {
    return fail(
      userError(
        CartErrorCodes.CART_CURRENCY_MISMATCH,
        `This product is priced in ${variant.price.currency}; the cart holds ${cart.currency}. One currency per cart.`,
        ['input', 'variantId'],
      ),
    );
  }
  return ok(undefined);
}

/**
 * addCartLine: adds `quantity` to the variant's line (a new line when there is none). Adding twice
 * adds up; the sum must stay within 1..99, and a new line needs room (100 lines at most).
 */
export function decideAdd(cart: StoredCart, variant: SaleVariant, quantity: number): Result<LineChange> {
  const currency = sameCurrency(cart, variant);
  if (!currency.ok) return currency;
  const existing = cart.lines.find((line) => line.variantId === variant.id);
  if (!existing && cart.lines.length >= MAX_CART_LINES) {
    return fail(userError(CartErrorCodes.CART_TOO_MANY_LINES, `A cart holds at most ${MAX_CART_LINES} different products.`, ['input', 'variantId']));
  }
  const total = (existing?.quantity ?? 0) + quantity;
  if (total > MAX_LINE_QUANTITY) {
    return fail(
      userError(CartErrorCodes.CART_QUANTITY_INVALID, `The cart would hold ${total} of this product; at most ${MAX_LINE_QUANTITY}.`, ['input', 'quantity']),
    );
  }
  return ok({ variantId: variant.id, quantity: total, addedUnitAmount: variant.price.amount, currency: variant.price.currency });
}

/**
 * updateCartLine: sets the line's quantity. Lowering it is always allowed (even for a variant no
 * longer on sale); raising it needs the variant on sale, like adding.
 */
export function decideUpdate(cart: StoredCart, variantId: string, variant: SaleVariant | null, quantity: number): Result<LineChange> {
  const existing = cart.lines.find((line) => line.variantId === variantId);
  if (!existing) return fail(userError(CartErrorCodes.CART_LINE_NOT_FOUND, 'The cart has no line for this product.', ['input', 'variantId']));
  if (quantity <= existing.quantity) {
    return ok({ variantId, quantity, addedUnitAmount: existing.addedUnitAmount, currency: cart.currency ?? variant?.price.currency ?? '' });
  }
  const onSale = sellable(variant);
  if (!onSale.ok) return onSale;
  const currency = sameCurrency(cart, onSale.value);
  if (!currency.ok) return currency;
  return ok({ variantId, quantity, addedUnitAmount: onSale.value.price.amount, currency: onSale.value.price.currency });
}

/** What a merge writes into the customer's cart: the lines to set (new or raised) and the cart's currency. */
export interface MergePlan {
  currency: string | null;
  lines: { variantId: string; quantity: number; addedUnitAmount: number }[];
}

/**
 * mergeGuestCart at log-in: each guest line is added to the customer's line of the same variant,
 * the sum capped by what is available now (never below what the customer already had) and by 99.
 * Lines that cannot be bought (unknown, not on sale, none available) or find no room (100 lines)
 * are left behind with the guest cart. A guest cart in another currency than a non-empty customer
 * cart is refused whole.
 */
export function planMerge(
  customer: StoredCart,
  guest: StoredCart,
  variants: ReadonlyMap<string, SaleVariant>,
  available: ReadonlyMap<string, number>,
): Result<MergePlan> {
  const customerHasLines = customer.lines.length > 0 && customer.currency !== null;
  if (customerHasLines && guest.lines.length > 0 && guest.currency !== null && guest.currency !== customer.currency) {
    return fail(
      userError(CartErrorCodes.CART_CURRENCY_MISMATCH, `The guest cart is in ${guest.currency}; your cart holds ${customer.currency}. One currency per cart.`, [
        'input',
        'cartToken',
      ]),
    );
  }
  let currency = customerHasLines ? customer.currency : null;
  const existing = new Map(customer.lines.map((line) => [line.variantId, line]));
  let lineCount = customer.lines.length;
  const lines: MergePlan['lines'] = [];
  for (const line of [...guest.lines].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const variant = variants.get(line.variantId);
    if (!variant?.onSale) continue;
    if (currency !== null && variant.price.currency !== currency) continue;
    const mine = existing.get(line.variantId);
    if (!mine && lineCount >= MAX_CART_LINES) continue;
    const had = mine?.quantity ?? 0;
    const quantity = Math.min(had + line.quantity, Math.max(had, available.get(line.variantId) ?? 0), MAX_LINE_QUANTITY);
    if (quantity <= had) continue;
    if (!mine) lineCount += 1;
    currency ??= variant.price.currency;
    lines.push({ variantId: line.variantId, quantity, addedUnitAmount: mine?.addedUnitAmount ?? line.addedUnitAmount });
  }
  return ok({ currency, lines });
}

/** What a line warns about, given catalog's and inventory's current answers. */
export function lineWarnings(line: StoredLine, variant: SaleVariant, cartCurrency: string | null, available: number): CartLineWarning[] {
  const warnings: CartLineWarning[] = [];
  if (variant.price.amount !== line.addedUnitAmount || (cartCurrency !== null && variant.price.currency !== cartCurrency)) warnings.push('PRICE_CHANGED');
  if (available <= 0) warnings.push('OUT_OF_STOCK');
  else if (available < line.quantity) warnings.push('LOW_AVAILABILITY');
  if (!variant.onSale) warnings.push('NO_LONGER_ON_SALE');
  return warnings;
}

/**
 * The cart as the shopper sees it, from the stored lines and catalog's and inventory's answers of
 * this request. A line whose variant catalog no longer knows is left out (catalog never deletes
 * variants, so this is a safety net). Totals count the lines that can be bought: on sale and in
 * the cart's currency; the others show with their warnings.
 */
export function viewCart(cart: StoredCart, variants: ReadonlyMap<string, SaleVariant>, available: ReadonlyMap<string, number>): CartView {
  const lines: CartLineView[] = [];
  for (const line of [...cart.lines].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.variantId.localeCompare(b.variantId))) {
    const variant = variants.get(line.variantId);
    if (!variant) continue;
    const units = available.get(line.variantId) ?? 0;
    lines.push({
      variantId: line.variantId,
      productId: variant.productId,
      vendorId: variant.vendorId,
      sku: variant.sku,
      productName: variant.productName,
      title: variant.title,
      quantity: line.quantity,
      unitPrice: variant.price,
      priceWhenAdded: money(line.addedUnitAmount, cart.currency ?? variant.price.currency),
      lineTotal: multiply(variant.price, line.quantity),
      available: units,
      onSale: variant.onSale,
      warnings: lineWarnings(line, variant, cart.currency, units),
    });
  }
  const currency = cart.lines.length > 0 ? cart.currency : null;
  const counted = lines.filter((line) => line.onSale && line.unitPrice.currency === currency);
  const vendors = new Map<string, VendorTotal>();
  for (const line of counted) {
    const total = vendors.get(line.vendorId);
    vendors.set(line.vendorId, total ? { vendorId: line.vendorId, quantity: total.quantity + line.quantity, subtotal: add(total.subtotal, line.lineTotal) } : { vendorId: line.vendorId, quantity: line.quantity, subtotal: line.lineTotal });
  }
  return {
    id: cart.id,
    currency,
    expiresAt: cart.expiresAt,
    lines,
    vendors: [...vendors.values()],
    subtotal: currency === null ? null : counted.reduce((sum, line) => add(sum, line.lineTotal), money(0, currency)),
    totalQuantity: lines.reduce((sum, line) => sum + line.quantity, 0),
  };
}

/** A userError list's first code, for logs. */
export const firstCode = (errors: readonly UserError[]) => errors[0]?.code ?? null;
