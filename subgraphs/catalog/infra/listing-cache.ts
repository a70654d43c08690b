import { createHash } from 'node:crypto';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { Connection } from '../../../platform/pagination/connection.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { Product } from '../domain/product.ts';
import { FailOpen } from '../../../platform/redis/fail-open.ts';
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
 * 1,000 connections would otherwise run the same query hundreds of times at once).
 *
 * An entry's key holds the version, so an entry never changes while it can be reached. That makes
 * it safe to keep the parsed value in this process too (parsing and reviving a page was a quarter
 * of the catalog's CPU on a hit): every read still asks Redis for the current version first, so a
 * write on any instance retires the copies of all instances at their next read. The copies are
 * shared by concurrent requests and must be treated as read-only (resolvers only read).
 */
export class ListingCache {
  private readonly logger: Logger;
  private readonly failOpen: FailOpen;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly parsed = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    logger: Logger,
  ) {
    this.logger = logger.child({ component: 'ListingCache' });
    this.failOpen = new FailOpen(this.logger, 'listing cache');
  }

  /** A page of products: the stored one for these arguments, or `load()`'s, then stored. */
  connection(args: unknown, load: () => Promise<Connection<Product>>): Promise<Connection<Product>> {
    return this.cached('products', args, load, storeConnection, reviveConnection);
  }

  /** Any JSON-safe listing result (facet counts): the stored one, or `load()`'s, then stored. */
  json<T>(kind: string, args: unknown, load: () => Promise<T>): Promise<T> {
    return this.cached(
      kind,
      args,
      load,
      (value) => value,
      (stored) => stored as T,
    );
  }

  /**
   * Makes every stored listing unreachable. Call after each product write has committed. A
   * missing version starts from a clock-based number, never from 1, so it cannot land on a
   * version whose entries may still be stored.
   */
  async bumpVersion(): Promise<void> {
    const done = await this.failOpen.attempt('bump', () => this.redis.multi().set(VERSION_KEY, initialVersion(), 'NX').incr(VERSION_KEY).exec());
    if (done === null || done.some(([error]) => error)) {
      this.logger.warn(`could not bump the listing version; lists may be stale for up to ${this.ttlSeconds} s`);
    }
  }

  private async cached<T, S>(kind: string, args: unknown, load: () => Promise<T>, store: (value: T) => S, revive: (stored: S) => T): Promise<T> {
    const version = await this.version();
    if (version === null) return load();
    const key = entryKey(version, kind, listingHash(args));
    const kept = this.parsed.get(key);
    if (kept && kept.expiresAt > Date.now()) return kept.value as T;
    const text = await this.failOpen.attempt('read', () => this.redis.get(key));
    if (text) {
      try {
        const entry = JSON.parse(text) as Entry<S>;
        if (entry.format === LISTING_FORMAT) return this.keep(key, revive(entry.value), entry.expiresAt);
      } catch (error) {
        this.logger.warn({ err: error, kind }, 'unreadable listing cache entry ignored');
      }
    }
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const loading = (async () => {
      try {
        const value = await load();
        const entry: Entry<S> = { format: LISTING_FORMAT, expiresAt: Date.now() + this.ttlSeconds * 1000, value: store(value) };
        const stored = await this.failOpen.attempt('write', () => this.redis.set(key, JSON.stringify(entry), 'EX', this.ttlSeconds));
        return stored === null ? value : this.keep(key, value, entry.expiresAt);
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, loading);
    return loading;
  }

  private keep<T>(key: string, value: T, expiresAt: number): T {
    if (this.parsed.size >= PARSED_LIMIT) {
      const now = Date.now();
      for (const [old, { expiresAt: until }] of this.parsed) if (until <= now) this.parsed.delete(old);
      // Still full: drop the oldest (Maps iterate in insertion order).
      const oldest = this.parsed.keys().next();
      if (this.parsed.size >= PARSED_LIMIT && !oldest.done) this.parsed.delete(oldest.value);
    }
    this.parsed.set(key, { value, expiresAt });
    return value;
  }

  /** The current listing version, or null when Redis cannot say (then the cache is skipped). */
  private async version(): Promise<string | null> {
    const current = await this.failOpen.attempt('read', async () => ({ value: await this.redis.get(VERSION_KEY) }));
    if (current === null) return null;
    if (current.value !== null) return current.value;
    // First use (or Redis lost the key): start a version; NX keeps one another process just set.
    const started = await this.failOpen.attempt('read', async () => {
      await this.redis.set(VERSION_KEY, initialVersion(), 'NX');
      return this.redis.get(VERSION_KEY);
    });
    return started ?? null;
  }
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
