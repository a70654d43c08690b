import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logging/logger.ts';
import { createRedis, waitForRedis } from '../../../platform/redis/redis.ts';
import { testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import { createLoginRateLimiter, type Admission, type LoginLimits } from './login-rate-limiter.ts';

const logger = createLogger({ service: 'test', level: 'silent', pretty: false });
const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`users-limiter-${randomUUID().slice(0, 8)}`) }, logger);
const limits: LoginLimits = {
  failuresBeforeDelay: 3,
  baseDelaySeconds: 2,
  maxDelaySeconds: 10,
  maxFailuresPerIp: 1000,
  ipWindowSeconds: 60,
  maxFailuresPerAccount: 1000,
  accountWindowSeconds: 60,
};
afterAll(async () => {
  await redis.quit();
});

/** A limiter on its own clock, which the spec moves instead of waiting. */
async function limiterWith(overrides: Partial<LoginLimits> = {}) {
  await waitForRedis(redis);
  let nowMs = Date.now();
  const limiter = createLoginRateLimiter(redis, { ...limits, ...overrides }, logger, () => new Date(nowMs));
  return {
    limiter,
    advance: (ms: number) => void (nowMs += ms),
    /** Seconds until the refusal's retry time, or 'allowed'. */
    wait: (admission: Admission) => (admission.allowed ? 'allowed' : (admission.retryAt.getTime() - nowMs) / 1000),
  };
}
const email = () => `${randomUUID()}@example.com`;
const address = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe('login rate limiter (real Redis)', () => {
  it('lets an account and address fail three times, then doubles the wait after each further failure, up to the cap', async () => {
    const { limiter, advance, wait } = await limiterWith();
    const account = email();
    const ip = address();
    for (let i = 0; i < 4; i += 1) expect(wait(await limiter.admit(account, ip))).toBe('allowed');
    // Each admitted attempt counts as a failure until it succeeds: the fourth one set a 2 s wait.
    const waits = [];
    for (let i = 0; i < 5; i += 1) {
      waits.push(wait(await limiter.admit(account, ip)));
      advance(60_000);
      expect(wait(await limiter.admit(account, ip))).toBe('allowed');
    }
    expect(waits).toEqual([2, 4, 8, 10, 10]);
  });

  it('never delays the same account from another address, so a stranger cannot lock the owner out', async () => {
    const { limiter, wait } = await limiterWith();
    const account = email();
    const attacker = address();
    for (let i = 0; i < 6; i += 1) await limiter.admit(account, attacker);
    expect(wait(await limiter.admit(account, attacker))).toBeGreaterThan(0);
    expect(wait(await limiter.admit(account, address()))).toBe('allowed');
  });

  it('takes an attempt back when it succeeds, so the next failures are free again', async () => {
    const { limiter, wait } = await limiterWith();
    const account = email();
    const ip = address();
    for (let i = 0; i < 3; i += 1) await limiter.admit(account, ip);
    await limiter.succeeded(account, ip);
    for (let i = 0; i < 4; i += 1) expect(wait(await limiter.admit(account, ip))).toBe('allowed');
    expect(wait(await limiter.admit(account, ip))).toBe(2);
  });

  it('admits parallel attempts only up to the first delay', async () => {
    const { limiter } = await limiterWith();
    const account = email();
    const ip = address();
    const verdicts = await Promise.all(Array.from({ length: 10 }, () => limiter.admit(account, ip)));
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(4);
  });

  it('counts only failures per address: successes never use up a shared address', async () => {
    const { limiter, wait } = await limiterWith({ maxFailuresPerIp: 3 });
    const office = address();
    for (let i = 0; i < 10; i += 1) {
      const account = email();
      expect(wait(await limiter.admit(account, office))).toBe('allowed');
      await limiter.succeeded(account, office);
    }
    for (let i = 0; i < 3; i += 1) expect(wait(await limiter.admit(email(), office))).toBe('allowed');
    const refused = await limiter.admit(email(), office);
    expect(refused).toMatchObject({ allowed: false, limit: 'address' });
    expect(wait(refused)).toBeGreaterThan(50);
    expect(wait(await limiter.admit(email(), address()))).toBe('allowed');
  });

  it('shares an IPv6 /64 between its addresses', async () => {
    const { limiter } = await limiterWith({ maxFailuresPerIp: 2 });
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    await limiter.admit(email(), `${prefix}::a`);
    await limiter.admit(email(), `${prefix}:ffff::b`);
    expect(await limiter.admit(email(), `${prefix}::c`)).toMatchObject({ allowed: false, limit: 'address' });
  });

  it('caps failures per account from everywhere, except for addresses that signed in to it before', async () => {
    const { limiter, wait } = await limiterWith({ maxFailuresPerAccount: 5 });
    const account = email();
    const home = address();
    await limiter.admit(account, home);
    await limiter.succeeded(account, home);
    for (let i = 0; i < 5; i += 1) expect(wait(await limiter.admit(account, address()))).toBe('allowed');
    expect(await limiter.admit(account, address())).toMatchObject({ allowed: false, limit: 'account' });
    expect(wait(await limiter.admit(account, home))).toBe('allowed');
  });

  it('sets a lifetime on every counter', async () => {
    const { limiter } = await limiterWith();
    const ip = `ttl-${randomUUID()}`;
    await limiter.admit('a@example.com', ip);
    const account = createHash('sha256').update('a@example.com').digest('hex').slice(0, 32);
    const ttls = await Promise.all([`login:ip:${ip}`, `login:account:${account}`, `login:pair:${account}:${ip}`].map((key) => redis.ttl(key)));
    expect(ttls[0]).toBeGreaterThan(0);
    expect(ttls[0]).toBeLessThanOrEqual(60);
    expect(ttls[1]).toBeGreaterThan(0);
    expect(ttls[2]).toBeGreaterThan(60 * 60);
  });

  it('fails open when Redis is unreachable', async () => {
    const down = createRedis({ url: 'redis://127.0.0.1:1/0', keyPrefix: 'nowhere:' }, logger);
    try {
      const limiter = createLoginRateLimiter(down, { ...limits, failuresBeforeDelay: 1 }, logger);
      for (let i = 0; i < 3; i += 1) expect(await limiter.admit('a@example.com', '10.0.0.1')).toEqual({ allowed: true });
      await expect(limiter.succeeded('a@example.com', '10.0.0.1')).resolves.toBeUndefined();
    } finally {
      down.disconnect();
    }
  });
});
