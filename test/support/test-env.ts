import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defaultPostgresUrl, DEFAULT_RABBITMQ_URL, DEFAULT_REDIS_URL, databaseUrl, loadConfig, processEnv } from '../../platform/config/load-config.ts';

/**
 * Where tests keep their state: databases `${TEST_DATABASE_PREFIX}<subgraph>` (never the dev
 * `shop_*` ones) and Redis keys under `TEST_REDIS_PREFIX`. Override the prefixes to run two
 * suites side by side.
 */
const schema = z.object({
  POSTGRES_URL: z.string().url().default(defaultPostgresUrl()),
  REDIS_URL: z.string().url().default(DEFAULT_REDIS_URL),
  /** Each booted platform declares its exchanges and queues under a random `test.<id>.` prefix there. */
  RABBITMQ_URL: z.string().url().default(DEFAULT_RABBITMQ_URL),
  TEST_DATABASE_PREFIX: z.string().regex(/^shop_test_[a-z0-9_]*$/, 'must start with shop_test_').default('shop_test_'),
  TEST_REDIS_PREFIX: z.string().min(1).default('shop_test:'),
  /** Set to info/debug to see the booted services' logs while debugging a test. */
  TEST_LOG_LEVEL: z.enum(['silent', 'error', 'warn', 'info', 'debug']).default('silent'),
});

export const testEnv = loadConfig('tests', schema, processEnv());

export function testDatabaseUrl(subgraph: string): string {
  return databaseUrl(testEnv.POSTGRES_URL, `${testEnv.TEST_DATABASE_PREFIX}${subgraph}`);
}

/**
 * A fresh exchange and queue prefix (`test.<scope>.<id>.`) for a test that boots a subgraph: never
 * the dev stack's `shop.`, whose queues a test's consumer would drain. Delete what it declared
 * afterwards (platform/messaging/testing/topology-cleanup.ts).
 */
export function testMessagingPrefix(scope: string): string {
  return `test.${scope}.${randomUUID().slice(0, 8)}.`;
}

export function testRedisPrefix(scope: string): string {
  return `${testEnv.TEST_REDIS_PREFIX}${scope}:`;
}
