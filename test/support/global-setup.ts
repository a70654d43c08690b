import { Redis } from 'ioredis';
import { deleteKeysWithPrefix } from '../../platform/redis/redis.ts';
import { dropDatabase, migrateAll } from '../../scripts/lib/databases.ts';
import { DATABASE_OWNERS } from '../../workers/registry.ts';
import { testEnv } from './test-env.ts';

/**
 * Once per run: fresh test databases at the newest migration and no leftover test keys in Redis,
 * so the suite runs the same the second time. Dev databases (`shop_*`) are never touched.
 */
export default async function setup(): Promise<void> {
  const names = DATABASE_OWNERS;
  for (const name of names) await dropDatabase(testEnv.POSTGRES_URL, `${testEnv.TEST_DATABASE_PREFIX}${name}`);
  await migrateAll(testEnv.POSTGRES_URL, testEnv.TEST_DATABASE_PREFIX, names);
  const redis = new Redis(testEnv.REDIS_URL, { lazyConnect: true });
  await redis.connect();
  await deleteKeysWithPrefix(redis, testEnv.TEST_REDIS_PREFIX);
  await redis.quit();
}
