import { entityLoader } from '../../../platform/batching/dataloaders.ts';
import type { CatalogReader, InventoryReader, ReadRequest } from '../domain/ports.ts';

export interface CartLoaderDeps {
  catalog: CatalogReader;
  inventory: InventoryReader;
}

/**
 * Per-request batching of the reads from catalog and inventory: every variant a request touches
 * is asked for once, all of one tick in one call. Nothing is kept beyond the request, so a cart is
 * always priced with catalog's current prices.
 */
export function createCartLoaders(deps: CartLoaderDeps, request: ReadRequest) {
  return {
    variantById: entityLoader({ load: (ids) => deps.catalog.variants(ids, request), keyOf: (variant) => variant.id, signal: request.signal }),
    availableByVariant: entityLoader({
      load: async (ids) => [...(await deps.inventory.availability(ids, request))].map(([variantId, available]) => ({ variantId, available })),
      keyOf: (row) => row.variantId,
      signal: request.signal,
    }),
  };
}

export type CartLoaders = ReturnType<typeof createCartLoaders>;
