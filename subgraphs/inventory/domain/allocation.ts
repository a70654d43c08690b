/** One warehouse's stock of a variant, as the allocator sees it (the rows locked for the reservation). */
export interface LocationStock {
  locationId: string;
  /** Its code, which orders the warehouses: allocation is deterministic. */
  locationCode: string;
  onHand: number;
  reserved: number;
}

export interface Allocation {
  locationId: string;
  quantity: number;
}

/** Units that can still be bought: never negative, even if a row were inconsistent. */
export const availableOf = (stock: Pick<LocationStock, 'onHand' | 'reserved'>): number => Math.max(0, stock.onHand - stock.reserved);

/**
 * The allocation policy. The reservation statement (infra/reservation.repository.ts) applies the
 * same policy in SQL, under the stock rows' locks, so that a hot SKU's lock is held for one
 * statement only; application/reservation.service.spec.ts checks that both split alike.
 *
 * Splits `quantity` units over warehouses: fill from the warehouse with the most available first
 * (fewest parcels), ties by code, so the same stock always gives the same split. Null when all
 * warehouses together hold fewer than `quantity` available units: a reservation is all or nothing.
 */
export function allocate(stocks: readonly LocationStock[], quantity: number): Allocation[] | null {
  if (!Number.isInteger(quantity) || quantity <= 0) return null;
  const ordered = [...stocks].sort((a, b) => availableOf(b) - availableOf(a) || a.locationCode.localeCompare(b.locationCode));
  const allocations: Allocation[] = [];
  let remaining = quantity;
  for (const stock of ordered) {
    if (remaining === 0) break;
    const take = Math.min(remaining, availableOf(stock));
    if (take > 0) {
      allocations.push({ locationId: stock.locationId, quantity: take });
      remaining -= take;
    }
  }
  return remaining === 0 ? allocations : null;
}

/** Sum of available units over warehouses (what shoppers see). */
export const totalAvailable = (stocks: readonly Pick<LocationStock, 'onHand' | 'reserved'>[]): number =>
  stocks.reduce((sum, stock) => sum + availableOf(stock), 0);
