import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logging/logger.ts';
import { closeRedis, createRedis, waitForRedis } from '../../platform/redis/redis.ts';
import { testEnv, testRedisPrefix } from '../../test/support/test-env.ts';
import { createBudgets } from './budgets.ts';
import { createTokenBuckets, type TokenBuckets } from './token-bucket.ts';

const logger = createLogger({ service: 'test', level: 'silent', pretty: false });
// Like the gateway's: no client keyPrefix, the buckets prefix their own keys.
const keyPrefix = testRedisPrefix(`budgets-bucket-${randomUUID().slice(0, 8)}`);
const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: '' }, logger);
afterAll(() => closeRedis(redis));

/** 100 points refilled over 10 s: 10 a second, 0.01 a millisecond. */
const policy = { capacity: 100, windowSeconds: 10 };

async function bucket(): Promise<{ buckets: TokenBuckets; key: string }> {
  await waitForRedis(redis);
  return { buckets: createTokenBuckets(redis, { keyPrefix }), key: `bucket:${randomUUID()}` };
}

describe('token bucket in Redis', () => {
  it('starts full, spends what it holds, refuses more without spending, and refills at capacity/window', async () => {
    const { buckets, key } = await bucket();
    const t0 = 1_700_000_000_000;
    expect(await buckets.take(key, policy, 60, t0)).toEqual({ admitted: true, tokens: 40 });
    expect(await buckets.take(key, policy, 41, t0)).toEqual({ admitted: false, tokens: 40 });
    expect(await buckets.take(key, policy, 40, t0)).toEqual({ admitted: true, tokens: 0 });
    // 1.5 s later: 15 points back, fractions kept.
    expect(await buckets.take(key, policy, 20, t0 + 1_500)).toEqual({ admitted: false, tokens: 15 });
    expect(await buckets.take(key, policy, 1, t0 + 1_550)).toEqual({ admitted: true, tokens: 15.5 - 1 });
    // Never more than the capacity, however long it sat.
    expect(await buckets.take(key, policy, 1, t0 + 3_600_000)).toEqual({ admitted: true, tokens: 99 });
  });

  it('ignores a clock that runs backwards (another instance a little behind): no refill, no loss', async () => {
    const { buckets, key } = await bucket();
    const t0 = 1_700_000_000_000;
    await buckets.take(key, policy, 50, t0);
    expect(await buckets.take(key, policy, 10, t0 - 5_000)).toEqual({ admitted: true, tokens: 40 });
    expect(await buckets.take(key, policy, 0, t0 + 1_000)).toEqual({ admitted: true, tokens: 50 });
  });

  it('keeps a bucket, under its key prefix, only until it would be full again, on the Redis clock by default', async () => {
    const { buckets, key } = await bucket();
    expect((await buckets.take(key, policy, 30)).admitted).toBe(true);
    expect(await redis.exists(key)).toBe(0);
    const ttl = await redis.pttl(`${keyPrefix}${key}`);
    // 30 points at 0.01/ms: 3 s to full, plus a second of slack.
    expect(ttl).toBeGreaterThan(3_000);
    expect(ttl).toBeLessThanOrEqual(4_000);
  });

  it('admits exactly the capacity when many spend at once', async () => {
    const { buckets, key } = await bucket();
    const slow = { capacity: 50, windowSeconds: 36_000 };
    const results = await Promise.all(Array.from({ length: 80 }, () => buckets.take(key, slow, 1)));
    expect(results.filter((result) => result.admitted)).toHaveLength(50);
  });
});

describe('budgets', () => {
  const policies = { anonymous: policy, customer: { capacity: 1000, windowSeconds: 10 }, partner: policy, admin: policy };

  it('spends the caller’s own bucket, sized by its class, at least one point per operation', async () => {
    const { buckets } = await bucket();
    const registry = new Registry();
    const budgets = createBudgets(buckets, policies, logger, registry);
    const ip = { class: 'anonymous' as const, id: `ip:${randomUUID()}`, partnerAppId: null };
    const user = { class: 'customer' as const, id: `user:${randomUUID()}`, partnerAppId: null };
    expect(await budgets.spend(ip, 0)).toMatchObject({ outcome: 'admitted', cost: 1, answer: { limit: 100, remaining: 99 } });
    expect(await budgets.spend(ip, 99)).toMatchObject({ outcome: 'admitted', answer: { remaining: 0 } });
    expect(await budgets.spend(ip, 5)).toMatchObject({ outcome: 'refused', answer: { remaining: 0, retryAfterSeconds: 1 } });
    expect(await budgets.spend(user, 500)).toMatchObject({ outcome: 'admitted', answer: { limit: 1000, remaining: 500 } });
    expect(await registry.getSingleMetricAsString('gateway_budget_decisions_total')).toMatch(/class="anonymous",outcome="refused"} 1/);
  });

  it('lets operations through unmetered when Redis fails, and counts them', async () => {
    const registry = new Registry();
    const broken: TokenBuckets = { take: () => Promise.reject(new Error('connection is closed')) };
    const budgets = createBudgets(broken, policies, logger, registry);
    const caller = { class: 'anonymous' as const, id: 'ip:192.0.2.1', partnerAppId: null };
    expect(await budgets.spend(caller, 10)).toEqual({ outcome: 'unchecked', policy, cost: 10 });
    expect(await registry.getSingleMetricAsString('gateway_budget_decisions_total')).toMatch(/class="anonymous",outcome="unchecked"} 1/);
  });
});
