/**
 * A small in-process cache with one time-to-live for every entry and a bound on its size (the
 * oldest entry goes first when full). Misses are kept too (as `null`), so a flood of well-formed
 * but unknown keys costs one Redis read per key per TTL, not one per request.
 */
export interface TtlCache<T> {
  /** `undefined` when absent or expired; `null` is a remembered miss. */
  get(key: string): T | null | undefined;
  set(key: string, value: T | null): void;
}

export function createTtlCache<T>(options: { ttlMs: number; maxEntries: number; now?: () => number }): TtlCache<T> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: T | null; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value) {
      if (options.ttlMs <= 0) return;
      entries.delete(key);
      if (entries.size >= options.maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, { value, expiresAt: now() + options.ttlMs });
    },
  };
}
