import { createHash } from 'node:crypto';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { Redis } from '../../../platform/redis/redis.ts';

export interface LoginLimits {
  maxFailuresPerAccount: number;
  accountWindowSeconds: number;
  maxAttemptsPerIp: number;
  ipWindowSeconds: number;
}

export type Admission = 'allowed' | 'blocked';

export interface LoginRateLimiter {
  /** Counts this attempt against the client's IP and says whether it may try at all. */
  admit(email: string, clientIp: string): Promise<Admission>;
  /** A wrong password for this email (existing or not, so limits reveal nothing about accounts). */
  recordFailure(email: string): Promise<void>;
  /** A successful log-in clears the account's failure count. */
  recordSuccess(email: string): Promise<void>;
}

// Emails are hashed so Redis holds no personal data; fixed windows are enough for brute-force limits.
const accountKey = (email: string) => `login:failures:${createHash('sha256').update(email).digest('hex').slice(0, 32)}`;
const ipKey = (ip: string) => `login:ip:${ip}`;

/**
 * Fixed-window counters in Redis: failed log-ins per account, all attempts per IP. When Redis is
 * unreachable it fails open (log-in keeps working, with a warning): an outage of a cache must not
 * lock every customer out, and argon2's cost still slows guessing.
 */
export function createLoginRateLimiter(redis: Redis, limits: LoginLimits, logger: Logger): LoginRateLimiter {
  const log = logger.child({ component: 'login-rate-limiter' });
  const failOpen = (error: unknown, action: string) => {
    log.warn({ err: error instanceof Error ? error.message : String(error), action }, 'rate limiter unavailable; allowing log-in');
  };
  return {
    async admit(email, clientIp) {
      try {
        const results = await redis
          .multi()
          .incr(ipKey(clientIp))
          .expire(ipKey(clientIp), limits.ipWindowSeconds, 'NX')
          .get(accountKey(email))
          .exec();
        if (!results) throw new Error('transaction aborted');
        const [ipCount, , failures] = results.map(([error, value]) => {
          if (error) throw error;
          return value;
        });
        if (Number(ipCount) > limits.maxAttemptsPerIp) return 'blocked';
        if (Number(failures ?? 0) >= limits.maxFailuresPerAccount) return 'blocked';
        return 'allowed';
      } catch (error) {
        failOpen(error, 'admit');
        return 'allowed';
      }
    },
    async recordFailure(email) {
      try {
        await redis.multi().incr(accountKey(email)).expire(accountKey(email), limits.accountWindowSeconds, 'NX').exec();
      } catch (error) {
        failOpen(error, 'recordFailure');
      }
    },
    async recordSuccess(email) {
      try {
        await redis.del(accountKey(email));
      } catch (error) {
        failOpen(error, 'recordSuccess');
      }
    },
  };
}
