import { createHash } from 'node:crypto';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import { limitBucket } from '../domain/client-address.ts';

export interface LoginLimits {
  /** Failures of one account from one client address before each further failure makes it wait. */
  failuresBeforeDelay: number;
  /** The first wait; every further failure doubles it, up to `maxDelaySeconds`. */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** Failures from one client address, over all accounts, per window. */
  maxFailuresPerIp: number;
  ipWindowSeconds: number;
  /**
   * Failures of one account, from all addresses, per window (distributed guessing). Beyond it
   * only addresses that signed in to the account recently may still try, so its owner is not
   * locked out by strangers.
   */
  maxFailuresPerAccount: number;
  accountWindowSeconds: number;
}

/** The limit that refused an attempt, for the logs. */
export type LoginLimit = 'account-and-address' | 'address' | 'account';

/** Allowed, or refused until `retryAt`. */
export type Admission = { allowed: true } | { allowed: false; retryAt: Date; limit: LoginLimit };

export interface LoginRateLimiter {
  /**
   * Whether this log-in attempt may be checked at all. An admitted attempt is counted as a
   * failure at once (so attempts sent in parallel cannot slip past a delay) until `succeeded`
   * takes it back. Emails that have no account count the same, so limits reveal nothing.
   */
  admit(email: string, clientIp: string): Promise<Admission>;
  /** The attempt was right: its account and address start afresh, and the address is remembered as the owner's. */
  succeeded(email: string, clientIp: string): Promise<void>;
}

/** How long an account-and-address pair's failures are remembered after the last one. */
const PAIR_MEMORY_MS = 24 * 60 * 60 * 1000;
/** How long an address that signed in stays exempt from the account's ceiling. */
const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;

// KEYS: pair, address, account, known. ARGV: now, failuresBeforeDelay, baseDelayMs, maxDelayMs,
// pairMemoryMs, maxFailuresPerIp, ipWindowMs, maxFailuresPerAccount, accountWindowMs.
// Checks every limit, then counts the attempt against each, in one atomic step.
const ADMIT = `
local now = tonumber(ARGV[1])
local nextAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if nextAt > now then return {'account-and-address', nextAt - now} end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[6]) then return {'address', redis.call('PTTL', KEYS[2])} end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[8]) and redis.call('EXISTS', KEYS[4]) == 0 then
  return {'account', redis.call('PTTL', KEYS[3])}
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local beyond = failures - tonumber(ARGV[2])
if beyond > 0 then
  local delay = math.min(tonumber(ARGV[3]) * 2 ^ (beyond - 1), tonumber(ARGV[4]))
  redis.call('HSET', KEYS[1], 'next', math.floor(now + delay))
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[7]) end
if redis.call('INCR', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[9]) end
return {'allowed', 0}
`;

// KEYS: pair, address, account, known. ARGV: knownAddressMs. Takes back what `admit` counted.
const SUCCEEDED = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then redis.call('DECR', KEYS[3]) end
redis.call('SET', KEYS[4], '1', 'PX', ARGV[1])
return 1
`;

// Emails are hashed so Redis holds no personal data.
const accountOf = (email: string) => createHash('sha256').update(email).digest('hex').slice(0, 32);

function keysFor(email: string, clientIp: string): string[] {
  const account = accountOf(email);
  const address = limitBucket(clientIp);
  return [`login:pair:${account}:${address}`, `login:ip:${address}`, `login:account:${account}`, `login:known:${account}:${address}`];
}

/**
 * Log-in limits in Redis, counting failures only: a progressive delay per account and client
 * address (no lockout an attacker elsewhere could trigger), a failure budget per address, and a
 * generous ceiling per account that addresses which signed in to it recently are exempt from.
 * A refusal says when to retry; nothing here waits. When Redis is unreachable it fails open
 * (log-in keeps working, with a warning): an outage of a cache must not lock every customer
 * out, and argon2's cost still slows guessing.
 */
export function createLoginRateLimiter(redis: Redis, limits: LoginLimits, logger: Logger, now: () => Date = () => new Date()): LoginRateLimiter {
  const log = logger.child({ component: 'login-rate-limiter' });
  const failOpen = (error: unknown, action: string) => {
    log.warn({ err: error instanceof Error ? error.message : String(error), action }, 'rate limiter unavailable; allowing log-in');
  };
  return {
    async admit(email, clientIp) {
      const at = now().getTime();
      try {
        const reply = (await redis.eval(
          ADMIT,
          4,
          ...keysFor(email, clientIp),
          at,
          limits.failuresBeforeDelay,
          limits.baseDelaySeconds * 1000,
          limits.maxDelaySeconds * 1000,
          PAIR_MEMORY_MS,
          limits.maxFailuresPerIp,
          limits.ipWindowSeconds * 1000,
          limits.maxFailuresPerAccount,
          limits.accountWindowSeconds * 1000,
        )) as [LoginLimit | 'allowed', number];
        const [verdict, waitMs] = reply;
        if (verdict === 'allowed') return { allowed: true };
        // A window whose expiry Redis no longer reports (-1, -2) is ending now: say one second.
        return { allowed: false, limit: verdict, retryAt: new Date(at + (waitMs > 0 ? waitMs : 1000)) };
      } catch (error) {
        failOpen(error, 'admit');
        return { allowed: true };
      }
    },
    async succeeded(email, clientIp) {
      try {
        await redis.eval(SUCCEEDED, 4, ...keysFor(email, clientIp), KNOWN_ADDRESS_MS);
      } catch (error) {
        failOpen(error, 'succeeded');
      }
    },
  };
}
