import type { Logger } from '../../../platform/logging/logger.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import { limitBucket } from '../domain/client-address.ts';

export interface SignUpLimits {
  /** Sign-ups from one client address per window, counting those that found the email taken. */
  maxPerIp: number;
  ipWindowSeconds: number;
}

export interface SignUpRateLimiter {
  /** Counts a sign-up from this address; null when allowed, else when the address may try again. */
  admit(clientIp: string): Promise<{ retryAt: Date } | null>;
}

/**
 * A fixed window per client address in Redis. Each admitted sign-up costs a password hash (or
 * reveals that an email is taken), so the window bounds both. When Redis is unreachable it fails
 * open with a warning, like the log-in limits.
 */
export function createSignUpRateLimiter(redis: Redis, limits: SignUpLimits, logger: Logger, now: () => Date = () => new Date()): SignUpRateLimiter {
  const log = logger.child({ component: 'sign-up-rate-limiter' });
  return {
    async admit(clientIp) {
      const key = `signup:ip:${limitBucket(clientIp)}`;
      try {
        const results = await redis.multi().incr(key).pexpire(key, limits.ipWindowSeconds * 1000, 'NX').pttl(key).exec();
        if (!results) throw new Error('transaction aborted');
        const [count, , ttl] = results.map(([error, value]) => {
          if (error) throw error;
          return Number(value);
        });
        if ((count ?? 0) <= limits.maxPerIp) return null;
        return { retryAt: new Date(now().getTime() + ((ttl ?? 0) > 0 ? (ttl ?? 0) : 1000)) };
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'rate limiter unavailable; allowing sign-up');
        return null;
      }
    },
  };
}
