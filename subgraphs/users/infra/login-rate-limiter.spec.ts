import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logging/logger.ts';
import { createRedis, waitForRedis } from '../../../platform/redis/redis.ts';
import { testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import { createLoginRateLimiter } from './login-rate-limiter.ts';

const logger = createLogger({ service: 'test', level: 'silent', pretty: false });
const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`users-limiter-${randomUUID().slice(0, 8)}`) }, logger);
const limits = { maxFailuresPerAccount: 3, accountWindowSeconds: 60, maxAttemptsPerIp: 5, ipWindowSeconds: 60 };
afterAll(async () => {
  await redis.quit();
});

describe('login rate limiter (real Redis)', () => {
  it('blocks an account after its failures, whatever the IP, and a success clears them', async () => {
    await waitForRedis(redis);
    const limiter = createLoginRateLimiter(redis, { ...limits, maxAttemptsPerIp: 100 }, logger);
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < 3; i += 1) {
      expect(await limiter.admit(email, `10.0.0.${i}`)).toBe('allowed');
      await limiter.recordFailure(email);
    }
    expect(await limiter.admit(email, '10.0.0.99')).toBe('blocked');
    expect(await limiter.admit(`other-${email}`, '10.0.0.99')).toBe('allowed');
    await limiter.recordSuccess(email);
    expect(await limiter.admit(email, '10.0.0.99')).toBe('allowed');
  });

  it('blocks an IP after its attempts, whatever the account', async () => {
    await waitForRedis(redis);
    const limiter = createLoginRateLimiter(redis, limits, logger);
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
    const verdicts = [];
    for (let i = 0; i < 6; i += 1) verdicts.push(await limiter.admit(`${randomUUID()}@example.com`, ip));
    expect(verdicts).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'blocked']);
  });

  it('sets a window on its counters', async () => {
    await waitForRedis(redis);
    const limiter = createLoginRateLimiter(redis, limits, logger);
    const ip = `ttl-${randomUUID()}`;
    await limiter.admit('a@example.com', ip);
    const ttl = await redis.ttl(`login:ip:${ip}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('fails open when Redis is unreachable', async () => {
    const down = createRedis({ url: 'redis://127.0.0.1:1/0', keyPrefix: 'nowhere:' }, logger);
    try {
      const limiter = createLoginRateLimiter(down, { ...limits, maxFailuresPerAccount: 1 }, logger);
      await limiter.recordFailure('a@example.com');
      expect(await limiter.admit('a@example.com', '10.0.0.1')).toBe('allowed');
      await expect(limiter.recordSuccess('a@example.com')).resolves.toBeUndefined();
    } finally {
      down.disconnect();
    }
  });
});
