import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logging/logger.ts';
import { createRedis, waitForRedis } from '../../../platform/redis/redis.ts';
import { testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import { createSignUpRateLimiter } from './sign-up-rate-limiter.ts';

const logger = createLogger({ service: 'test', level: 'silent', pretty: false });
const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`users-sign-up-${randomUUID().slice(0, 8)}`) }, logger);
afterAll(async () => {
  await redis.quit();
});

describe('sign-up rate limiter (real Redis)', () => {
  it('admits a number of sign-ups per address per window, then says when to come back', async () => {
    await waitForRedis(redis);
    const limiter = createSignUpRateLimiter(redis, { maxPerIp: 3, ipWindowSeconds: 600 }, logger);
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
    for (let i = 0; i < 3; i += 1) expect(await limiter.admit(ip)).toBeNull();
    const refused = await limiter.admit(ip);
    expect(refused?.retryAt.getTime()).toBeGreaterThan(Date.now() + 590_000);
    expect(refused?.retryAt.getTime()).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(await limiter.admit(`other-${ip}`)).toBeNull();
  });

  it('fails open when Redis is unreachable', async () => {
    const down = createRedis({ url: 'redis://127.0.0.1:1/0', keyPrefix: 'nowhere:' }, logger);
    try {
      const limiter = createSignUpRateLimiter(down, { maxPerIp: 1, ipWindowSeconds: 600 }, logger);
      expect(await limiter.admit('10.0.0.1')).toBeNull();
      expect(await limiter.admit('10.0.0.1')).toBeNull();
    } finally {
      down.disconnect();
    }
  });
});
