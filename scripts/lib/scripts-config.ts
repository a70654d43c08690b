import { z } from 'zod';
import { DEFAULT_MESSAGING_PREFIX, defaultPostgresUrl, DEFAULT_RABBITMQ_URL, DEFAULT_REDIS_URL, loadConfig, processEnv } from '../../platform/config/load-config.ts';
import { SUBGRAPHS } from '../../subgraphs/registry.ts';

/** Settings for the developer scripts (migrate, seed, start, bench); read once, like every service's. */
const schema = z.object({
  POSTGRES_URL: z.string().url().default(defaultPostgresUrl()),
  REDIS_URL: z.string().url().default(DEFAULT_REDIS_URL),
  RABBITMQ_URL: z.string().url().default(DEFAULT_RABBITMQ_URL),
  /** The prefix of the stack's exchanges and queues (`npm run dlq:*` looks under it). */
  MESSAGING_PREFIX: z.string().min(1).default(DEFAULT_MESSAGING_PREFIX),
  /** Database names are `${DATABASE_PREFIX}${subgraph}`; tests use `shop_test_`. */
  DATABASE_PREFIX: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('shop_'),
  GATEWAY_PORT: z.coerce.number().int().default(4000),
  /** `npm start` puts the first subgraph here and the next ones on the following ports (registry order). */
  SUBGRAPH_BASE_PORT: z.coerce.number().int().default(SUBGRAPHS[0].port),
  /** `npm start`'s SMTP sink: where the workers send mail (nothing leaves the machine)… */
  SMTP_SINK_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  /** …and where a person reads it: GET http://127.0.0.1:<port>/messages. */
  SMTP_SINK_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8025),
  /** Loopback unless told (docker-compose's sink listens on its container's network). */
  SMTP_SINK_HOST: z.string().min(1).default('127.0.0.1'),
  CI: z.string().optional(),
});

export const scriptsConfig = loadConfig('scripts', schema, processEnv());

/**
 * The exchange and queue prefix of a stack, from its Redis key prefix (`shop:` → `shop.`,
 * `shop_bench:` → `shop_bench.`): every stack the scripts start gets its own broker topology,
 * and the same one on every run, so nothing piles up on the broker.
 */
export function messagingPrefixFor(redisKeyPrefix: string): string {
  return `${redisKeyPrefix.replace(/[^a-z0-9_-]+/gi, '.').replace(/\.+$/, '')}.`;
}
