import { entityLoader } from '../../../platform/batching/dataloaders.ts';
import type { StockRepository } from '../infra/stock.repository.ts';

export interface InventoryLoaderDeps {
  stock: Pick<StockRepository, 'availableByVariant' | 'locationsByIds'>;
}

/**
 * Per-request batching: the gateway resolves `ProductVariant.availability` for a whole listing page
 * at once; every variant of the page becomes one SUM query. Once `signal` fires, nothing more is read.
 */
export function createInventoryLoaders(deps: InventoryLoaderDeps, signal?: AbortSignal) {
  return {
    availableByVariant: entityLoader({
      load: async (ids) => [...(await deps.stock.availableByVariant(ids))].map(([variantId, available]) => ({ variantId, available })),
      keyOf: (row) => row.variantId,
      signal,
    }),
    locationById: entityLoader({ load: (ids) => deps.stock.locationsByIds(ids), keyOf: (location) => location.id, signal }),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;
