import type { ApolloServerOptions, BaseContext } from '@apollo/server';
import type { Logger } from '../../platform/logging/logger.ts';
import type { Redis } from '../../platform/redis/redis.ts';
import { createRedisKeyValueCache } from './redis-kv-cache.ts';

export interface PersistedQuerySettings {
  /** Every APQ key starts with it (`APQ_KEY_PREFIX`). */
  keyPrefix: string;
  /** How long a registered document is kept (`APQ_TTL_SECONDS`); every key has this TTL at most. */
  ttlSeconds: number;
}

/**
 * Apollo Server's `persistedQueries` option: automatic persisted queries in Redis, so a document
 * registered through one gateway instance runs by hash on all of them. Apollo registers a
 * document only once it has been checked: its hash matches, it parses and validates, and it passed
 * every plugin up to `didResolveOperation` (depth, aliases, cost). `maxDocumentLength` is the body
 * limit: no longer document can have come in.
 */
export function persistedQueriesOption<TContext extends BaseContext>(
  redis: Redis,
  settings: PersistedQuerySettings & { maxDocumentLength: number },
  logger: Logger,
): ApolloServerOptions<TContext>['persistedQueries'] {
  return {
    cache: createRedisKeyValueCache({
      redis,
      logger,
      keyPrefix: settings.keyPrefix,
      maxTtlSeconds: settings.ttlSeconds,
      maxValueLength: settings.maxDocumentLength,
    }),
    ttl: settings.ttlSeconds,
  };
}
