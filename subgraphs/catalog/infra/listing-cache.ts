import { createHash } from 'node:crypto';
import { isCallerGone } from '../../../platform/http/caller-signal.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { Connection } from '../../../platform/pagination/connection.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { Product } from '../domain/product.ts';
import { createFailOpen } from '../../../platform/redis/fail-open.ts';
import { PRODUCT_FORMAT, reviveProduct, storeProduct, type StoredProduct } from './product-codec.ts';

const VERSION_KEY = 'listing:version';
const entryKey = (version: string, kind: string, hash: string) => `listing:${version}:${kind}:${hash}`;

/** JSON with object keys sorted, so equal arguments always hash alike whatever order built them. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
}

export function listingHash(args: unknown): string {
  return createHash('sha1').update(stableJson(args)).digest('base64url');
}

type StoredConnection = Omit<Connection<Product>, 'edges'> & { edges: { cursor: string; node: StoredProduct }[] };
interface Entry<T> {
  format: number;
  /** When the entry leaves Redis (epoch ms), so copies held in memory leave with it. */
  expiresAt: number;
  value: T;
}

/** Parsed entries this process keeps (~30 KB each for a 20-product page). */
const PARSED_LIMIT = 256;

/**
 * Cache-aside for listings (product pages, facets), keyed by a hash of their normalised
 * arguments under a catalog-wide version number. Every product write bumps the version, so the
 * next read of any listing misses and reads Postgres: a list is never served stale after a
 * write has returned, and the old entries are left to expire (TTL) instead of being hunted down.
 *
 * Redis is an optimisation only: if it fails, reads go to Postgres and nothing is stored. If a
 * write cannot bump the version (Redis down at that moment, back before the entries expire),
 * lists can be stale for at most the TTL; that is logged.
 *
 * Concurrent misses on one key in this process share one Postgres read (a key that expires under
 * 1,000 connections would otherwise run the same query hundreds of times at once). The read runs
 * for the request that started it; if that request's caller goes away and the read stops, the
 * others read for themselves.
 *
 * An entry's key holds the version, so an entry never changes while it can be reached. That makes
 * it safe to keep the parsed value in this process too, so a hit skips parsing and reviving the
 * page: every read still asks Redis for the current version first, so a write on any instance
 * retires the copies of all instances at their next read. The copies are
 * shared by concurrent requests and must be treated as read-only (resolvers only read).
 */
export interface ListingCache {
  /** A page of products: the stored one for these arguments, or `load()`'s, then stored. */
  connection(args: unknown, load: () => Promise<Connection<Product>>): Promise<Connection<Product>>;
  /** Any JSON-safe listing result (facet counts): the stored one, or `load()`'s, then stored. */
  json<T>(kind: string, args: unknown, load: () => Promise<T>): Promise<T>;
  /**
   * Makes every stored listing unreachable. Call after each product write has committed. A
   * missing version starts from a clock-based number, never from 1, so it cannot land on a
   * version whose entries may still be stored.
   */
  bumpVersion(): Promise<void>;
}

export function createListingCache(redis: Redis, ttlSeconds: number, logger: Logger): ListingCache {
  const log = logger.child({ component: 'ListingCache' });
  const failOpen = createFailOpen(log, 'listing cache');
  const inFlight = new Map<string, Promise<unknown>>();
  const parsed = new Map<string, { value: unknown; expiresAt: number }>();

  const keep = <T>(key: string, value: T, expiresAt: number): T => {
    if (parsed.size >= PARSED_LIMIT) {
      const now = Date.now();
      for (const [old, { expiresAt: until }] of parsed) if (until <= now) parsed.delete(old);
      // Still full: drop the oldest (Maps iterate in insertion order).
      const oldest = parsed.keys().next();
      if (parsed.size >= PARSED_LIMIT && !oldest.done) parsed.delete(oldest.value);
    }
    parsed.set(key, { value, expiresAt });
    return value;
  };

  /** The current listing version, or null when Redis cannot say (then the cache is skipped). */
  const version = async (): Promise<string | null> => {
    const current = await failOpen.attempt('read', async () => ({ value: await redis.get(VERSION_KEY) }));
    if (current === null) return null;
    if (current.value !== null) return current.value;
    // First use (or Redis lost the key): start a version; NX keeps one another process just set.
    const started = await failOpen.attempt('read', async () => {
      await redis.set(VERSION_KEY, initialVersion(), 'NX');
      return redis.get(VERSION_KEY);
    });
    return started ?? null;
  };

  const cached = async <T, S>(kind: string, args: unknown, load: () => Promise<T>, store: (value: T) => S, revive: (stored: S) => T): Promise<T> => {
    const current = await version();
    if (current === null) return load();
    const key = entryKey(current, kind, listingHash(args));
    const kept = parsed.get(key);
    if (kept && kept.expiresAt > Date.now()) return kept.value as T;
    const text = await failOpen.attempt('read', () => redis.get(key));
    if (text) {
      try {
        const entry = JSON.parse(text) as Entry<S>;
        if (entry.format === LISTING_FORMAT) return keep(key, revive(entry.value), entry.expiresAt);
      } catch (error) {
        log.warn({ err: error, kind }, 'unreadable listing cache entry ignored');
      }
    }
    const pending = inFlight.get(key) as Promise<T> | undefined;
    if (pending) {
      try {
        return await pending;
      } catch (error) {
        if (isCallerGone(error)) return load();
        throw error;
      }
    }
    const loading = (async () => {
      try {
        const value = await load();
        const entry: Entry<S> = { format: LISTING_FORMAT, expiresAt: Date.now() + ttlSeconds * 1000, value: store(value) };
        const stored = await failOpen.attempt('write', () => redis.set(key, JSON.stringify(entry), 'EX', ttlSeconds));
        return stored === null ? value : keep(key, value, entry.expiresAt);
      } finally {
        inFlight.delete(key);
      }
    })();
    inFlight.set(key, loading);
    return loading;
  };

  return {
    connection: (args, load) => cached('products', args, load, storeConnection, reviveConnection),
    json: <T>(kind: string, args: unknown, load: () => Promise<T>) =>
      cached(
        kind,
        args,
        load,
        (value: T) => value,
        (stored: T) => stored,
      ),
    async bumpVersion() {
      const done = await failOpen.attempt('bump', () => redis.multi().set(VERSION_KEY, initialVersion(), 'NX').incr(VERSION_KEY).exec());
      if (done === null || done.some(([error]) => error)) {
        log.warn(`could not bump the listing version; lists may be stale for up to ${ttlSeconds} s`);
      }
    },
  };
}

/** Versions grow by one per write; starting from the clock (µs) keeps a restarted sequence above any old one. */
function initialVersion(): string {
  return String(Date.now() * 1000);
}

/** Bump when the stored shape of a listing changes (the product format is part of it). */
const LISTING_FORMAT = 2_000 + PRODUCT_FORMAT;

function storeConnection(connection: Connection<Product>): StoredConnection {
  return { ...connection, edges: connection.edges.map(({ cursor, node }) => ({ cursor, node: storeProduct(node) })) };
}

function reviveConnection(stored: StoredConnection): Connection<Product> {
  return { ...stored, edges: stored.edges.map(({ cursor, node }) => ({ cursor, node: reviveProduct(node) })) };
}
