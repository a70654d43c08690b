import DataLoader from 'dataloader';
import type { EntityCache } from '../cache/entity-cache.ts';
import { isUuid } from '../ids/uuid.ts';

/**
 * The request whose loaders these are: once its caller has gone away, a batch fails with the
 * signal's reason instead of reading. A read already started runs to its end, because other
 * requests may be sharing it (the caches share concurrent reads of one key).
 */
export interface LoaderRequest {
  signal?: AbortSignal;
}

/**
 * A per-request DataLoader of entities by id: every `load` in one tick becomes one read of the
 * ids it has not seen. Ids are UUIDs, so anything else loads as null without a query. With a
 * cache, the read goes to Redis first and only the misses reach `load` (platform entity cache).
 */
export function entityLoader<T>(
  options: LoaderRequest & {
    load: (ids: string[]) => Promise<Iterable<T>>;
    keyOf: (row: T) => string;
    cache?: Pick<EntityCache<T>, 'load'>;
  },
): DataLoader<string, T | null> {
  const { load, keyOf, cache, signal } = options;
  const read = async (ids: string[]) => new Map([...(await load(ids))].map((row) => [keyOf(row), row]));
  return new DataLoader(async (keys) => {
    signal?.throwIfAborted();
    const ids = keys.filter(isUuid);
    const found = ids.length === 0 ? new Map<string, T>() : cache ? await cache.load(ids, read) : await read(ids);
    return keys.map((key) => found.get(key) ?? null);
  });
}

/** A per-request DataLoader of lists by owner (a category's children, a user's addresses), one read per tick. */
export function groupLoader<T>(
  options: LoaderRequest & { load: (ids: string[]) => Promise<readonly T[]>; keyOf: (row: T) => string | null },
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    options.signal?.throwIfAborted();
    const ids = keys.filter(isUuid);
    const rows = ids.length === 0 ? [] : await options.load(ids);
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = options.keyOf(row);
      if (key !== null) groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}
