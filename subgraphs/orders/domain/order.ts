import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { textError } from '../../../platform/validation/text.ts';
import { OrderErrorCodes } from './error-codes.ts';
import type { CancelReason, OrderStatus, VendorOrderStatus } from './order.process.ts';
import { computeTotals, taxRateFor, type OrderTotals, type TaxRates } from './totals.ts';

/** The most lines one order may have (the contracts' MAX_ORDER_LINES). */
export const MAX_ORDER_LINES = 100;
/** The most status changes one order can have: the longest path through the order table is shorter. */
export const MAX_STATUS_HISTORY = 10;

/** An amount as orders stores it: integer minor units of an ISO 4217 currency. */
export interface MoneyValue {
  amount: number;
  currency: string;
}

/** Where an order goes. Stored with the order as given (after trimming); vendors read it to ship. */
export interface ShippingAddress {
  name: string;
  line1: string;
  line2: string | null;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2, upper-case. */
  country: string;
  phone: string | null;
}

/** A line as bought: catalog's names and price at placement. */
export interface OrderLine {
  id: string;
  orderId: string;
  vendorOrderId: string;
  position: number;
  variantId: string;
  productId: string;
  sku: string;
  productName: string;
  variantTitle: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  currency: string;
}

export interface VendorOrder {
  id: string;
  orderId: string;
  vendorId: string;
  number: string;
  position: number;
  status: VendorOrderStatus;
  currency: string;
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
  carrier: string | null;
  trackingNumber: string | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface OrderStatusChange {
  from: OrderStatus | null;
  to: OrderStatus;
  reason: string;
  at: Date;
}

/** An order as the services see it (the payment token stays in the repository). */
export interface Order {
  id: string;
  number: string;
  customerId: string;
  cartId: string | null;
  status: OrderStatus;
  currency: string;
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
  taxRateBp: number;
  shippingAddress: ShippingAddress;
  cancelReason: CancelReason | null;
  placedAt: Date;
  confirmedAt: Date | null;
  updatedAt: Date;
}

/** What placeOrder receives (GraphQL input). */
export interface PlaceOrderInput {
  cartId: string;
  shippingAddress: {
    name: string;
    line1: string;
    line2?: string | null;
    postalCode: string;
    city: string;
    country: string;
    phone?: string | null;
  };
  paymentMethodToken: string;
  idempotencyKey: string;
}

/** A placeOrder request after validation. */
export interface PlaceOrderRequest {
  cartId: string;
  shippingAddress: ShippingAddress;
  paymentMethodToken: string;
  idempotencyKey: string;
  taxRateBp: number;
}

const LIMITS = { name: 100, line: 200, postalCode: 16, city: 100, phone: 32, token: 200 } as const;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,100}$/;
const COUNTRY = /^[A-Za-z]{2}$/;
const POSTAL_CODE = /^[A-Za-z0-9][A-Za-z0-9 -]{0,15}$/;
const PHONE = /^\+?[0-9 ()-]{4,32}$/;
const TOKEN = /^[\x21-\x7e]{1,200}$/;

const invalid = (message: string, field: string[]): UserError => userError(ErrorCodes.VALIDATION_FAILED, message, field);

function requiredLine(value: string, max: number, field: string, what: string, errors: UserError[]): string {
  const path = ['input', 'shippingAddress', field];
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > max) {
    errors.push(invalid(`${what} must be 1 to ${max} characters.`, path));
    return trimmed;
  }
  const problem = textError(trimmed, 'line', path, what);
  if (problem) errors.push(problem);
  return trimmed;
}

/**
 * Checks a placeOrder input (every problem at once), then the destination's tax rate: an unknown
 * country is ORDER_SHIPPING_COUNTRY_UNSUPPORTED. The idempotency key is 8 to 100 visible ASCII
 * characters, per customer.
 */
export function validatePlaceOrder(input: PlaceOrderInput, taxRates: TaxRates): Result<PlaceOrderRequest> {
  const errors: UserError[] = [];
  if (!isUuid(input.cartId)) errors.push(invalid('The cart id is not a valid id.', ['input', 'cartId']));
  if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) errors.push(invalid('The idempotency key must be 8 to 100 visible ASCII characters.', ['input', 'idempotencyKey']));
  if (!TOKEN.test(input.paymentMethodToken)) errors.push(invalid(`The payment method token must be 1 to ${LIMITS.token} visible ASCII characters.`, ['input', 'paymentMethodToken']));
  const a = input.shippingAddress;
  const name = requiredLine(a.name, LIMITS.name, 'name', 'The name', errors);
  const line1 = requiredLine(a.line1, LIMITS.line, 'line1', 'The street address', errors);
  const line2Raw = a.line2?.trim() ?? '';
  const line2 = line2Raw === '' ? null : requiredLine(line2Raw, LIMITS.line, 'line2', 'The second address line', errors);
  const city = requiredLine(a.city, LIMITS.city, 'city', 'The city', errors);
  const postalCode = a.postalCode.trim().toUpperCase();
  if (!POSTAL_CODE.test(postalCode)) errors.push(invalid('The postal code must be 1 to 16 letters, digits, spaces or dashes.', ['input', 'shippingAddress', 'postalCode']));
  const phoneRaw = a.phone?.trim() ?? '';
  const phone = phoneRaw === '' ? null : phoneRaw;
  if (phone !== null && !PHONE.test(phone)) errors.push(invalid('The phone number may hold digits, spaces, ( ) - and a leading +.', ['input', 'shippingAddress', 'phone']));
  const country = a.country.trim().toUpperCase();
  if (!COUNTRY.test(country)) errors.push(invalid('The country must be a two-letter ISO code, e.g. DE.', ['input', 'shippingAddress', 'country']));
  if (errors.length > 0) return fail(...errors);
  const rate = taxRateFor(taxRates, country);
  if (!rate.ok) return rate;
  return ok({
    cartId: input.cartId.toLowerCase(),
    shippingAddress: { name, line1, line2, postalCode, city, country, phone },
    paymentMethodToken: input.paymentMethodToken,
    idempotencyKey: input.idempotencyKey,
    taxRateBp: rate.value,
  });
}

/** The cart as cart's internal route hands it to checkout. */
export interface CheckoutCart {
  id: string;
  customerId: string;
  /** Null when the cart has no lines. */
  currency: string | null;
  lines: { variantId: string; quantity: number }[];
}

/** A variant as catalog's internal route hands it to checkout (read fresh, in the placing request). */
export interface CatalogVariant {
  id: string;
  productId: string;
  vendorId: string;
  sku: string;
  productName: string;
  title: string;
  price: { amount: number; currency: string };
  onSale: boolean;
}

/** A line of the order to write, before ids are given. */
export interface DraftLine {
  variantId: string;
  productId: string;
  vendorId: string;
  sku: string;
  productName: string;
  variantTitle: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

/** Everything placeOrder writes, computed from the cart and catalog's answer. */
export interface OrderDraft {
  currency: string;
  lines: DraftLine[];
  totals: OrderTotals;
}

/**
 * The order a cart makes: every line priced from catalog (never from the client or the cart), one
 * vendor part per vendor in the order of its first line. Refused, with nothing to write, when the
 * cart is empty or too long, a variant is unknown or off sale, or a price is in another currency.
 * Two cart lines of one variant become one order line.
 */
export function draftOrder(cart: CheckoutCart, variants: readonly CatalogVariant[], shippingFlatFee: number, taxRateBp: number): Result<OrderDraft> {
  const currency = cart.currency;
  if (cart.lines.length === 0 || currency === null) return fail(userError(OrderErrorCodes.ORDER_CART_EMPTY, 'Your cart is empty.', ['input', 'cartId']));
  const quantities = new Map<string, number>();
  for (const line of cart.lines) quantities.set(line.variantId.toLowerCase(), (quantities.get(line.variantId.toLowerCase()) ?? 0) + line.quantity);
  if (quantities.size > MAX_ORDER_LINES) {
    return fail(userError(OrderErrorCodes.ORDER_TOO_MANY_LINES, `One order holds at most ${MAX_ORDER_LINES} different items.`, ['input', 'cartId']));
  }
  const byId = new Map(variants.map((variant) => [variant.id.toLowerCase(), variant]));
  const errors: UserError[] = [];
  const lines: DraftLine[] = [];
  for (const [variantId, quantity] of quantities) {
    const variant = byId.get(variantId);
    if (!variant || !variant.onSale) {
      errors.push(userError(OrderErrorCodes.ORDER_VARIANT_NOT_ON_SALE, `${variant ? `${variant.productName} (${variant.title})` : 'An item in your cart'} is no longer on sale; remove it from your cart.`, ['input', 'cartId']));
      continue;
    }
    if (variant.price.currency !== currency) {
      errors.push(userError(OrderErrorCodes.ORDER_CURRENCY_MISMATCH, `${variant.productName} is priced in ${variant.price.currency}, your cart in ${currency}.`, ['input', 'cartId']));
      continue;
    }
    lines.push({
      variantId,
      productId: variant.productId.toLowerCase(),
      vendorId: variant.vendorId.toLowerCase(),
      sku: variant.sku,
      productName: variant.productName,
      variantTitle: variant.title,
      quantity,
      unitPrice: variant.price.amount,
      lineTotal: variant.price.amount * quantity,
    });
  }
  if (errors.length > 0) return fail(...errors);
  return ok({ currency, lines, totals: computeTotals(lines, shippingFlatFee, taxRateBp) });
}
