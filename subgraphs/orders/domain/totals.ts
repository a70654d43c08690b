import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { OrderErrorCodes } from './error-codes.ts';

/** Tax rates by destination country (ISO 3166-1 alpha-2), in basis points: 1900 = 19 %. */
export type TaxRates = Readonly<Record<string, number>>;

/** A priced line as checkout read it from catalog (prices are net: tax is added on top). */
export interface PricedLine {
  variantId: string;
  vendorId: string;
  quantity: number;
  /** Minor units, in the order's currency. */
  unitPrice: number;
}

/** One vendor's part of the money. total = subtotal + shipping + tax. */
export interface VendorTotals {
  vendorId: string;
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
}

/** The order's money: the sums of its vendor parts. */
export interface OrderTotals {
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
  taxRateBp: number;
  /** In the order of each vendor's first line. */
  vendors: VendorTotals[];
}

/**
 * Tax on an amount at a rate in basis points, rounded half up to a whole minor unit, in integers
 * only: floor((amount × bp + 5000) / 10000). Amounts are at most 10^11 minor units and rates at
 * most 10000 bp, so the product stays far below 2^53.
 */
export function taxOf(amount: number, rateBp: number): number {
  return Math.floor((amount * rateBp + 5_000) / 10_000);
}

/** The rate for a destination, or ORDER_SHIPPING_COUNTRY_UNSUPPORTED (the shop does not ship there). */
export function taxRateFor(rates: TaxRates, country: string): Result<number> {
  const rate = rates[country.toUpperCase()];
  if (rate === undefined) {
    return fail(userError(OrderErrorCodes.ORDER_SHIPPING_COUNTRY_UNSUPPORTED, `We do not ship to ${country} yet.`, ['input', 'shippingAddress', 'country']));
  }
  return ok(rate);
}

/**
 * The totals of an order. The rules, stated once:
 * - a line's total is unit price × quantity (exact);
 * - each vendor order pays one flat shipping fee;
 * - tax is charged per vendor order on its subtotal plus shipping (shipping is taxed like the
 *   goods), rounded half up to a minor unit (`taxOf`); the order's tax is the sum of its vendor
 *   orders' taxes, so every vendor part is a whole amount that adds up exactly to the order total
 *   (payments credits the parts, `vendorShares`, and their sum is what it authorizes);
 * - total = subtotal + shipping + tax, for each vendor order and for the order.
 */
export function computeTotals(lines: readonly PricedLine[], shippingFlatFee: number, taxRateBp: number): OrderTotals {
  const byVendor = new Map<string, number>();
  for (const line of lines) byVendor.set(line.vendorId, (byVendor.get(line.vendorId) ?? 0) + line.unitPrice * line.quantity);
  const vendors = [...byVendor].map(([vendorId, subtotal]) => {
    const tax = taxOf(subtotal + shippingFlatFee, taxRateBp);
    return { vendorId, subtotal, shipping: shippingFlatFee, tax, total: subtotal + shippingFlatFee + tax };
  });
  const sum = (pick: (part: VendorTotals) => number) => vendors.reduce((total, part) => total + pick(part), 0);
  return { subtotal: sum((v) => v.subtotal), shipping: sum((v) => v.shipping), tax: sum((v) => v.tax), total: sum((v) => v.total), taxRateBp, vendors };
}
