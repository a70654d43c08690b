import type { Result } from 'ioredis';
import type { Redis } from '../../platform/redis/redis.ts';
import type { BudgetPolicy } from './budget-policy.ts';

/** One decision of a bucket: whether the cost was taken, and the points it holds afterwards. */
export interface TakeResult {
  admitted: boolean;
  tokens: number;
}

export interface TokenBuckets {
  /**
   * Takes `cost` points from the bucket at `key` if it holds them, else takes nothing; the refill
   * since the last decision is added first. Rejects when Redis cannot answer.
   */
  take(key: string, policy: BudgetPolicy, cost: number, nowMs?: number): Promise<TakeResult>;
}

/**
 * Refill, decide and store in one script, so two gateway instances spending the same bucket at
 * the same moment cannot both spend the last points. The clock is Redis's (TIME) so instances
 * with skewed clocks agree; tests may pass their own (ARGV[4]). A bucket is a hash
 * {tokens, at}; a missing one is full. It expires once it would be full again, so idle callers
 * cost no memory. Tokens are fractional and travel as strings: Redis would truncate a Lua number
 * to an integer.
 */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * perMs)
  at = now
end
local admitted = 0
if cost <= tokens then
  tokens = tokens - cost
  admitted = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs) + 1000)
return { admitted, string.format('%.6f', tokens) }
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    takeBudgetTokens(key: string, capacity: string, perMs: string, cost: string, nowMs: string): Result<[number, string], Context>;
  }
}

/**
 * Token buckets in Redis, shared by every gateway instance on the same key prefix. The connection
 * is the gateway's shared one (no client keyPrefix), so every key is `keyPrefix` + `key` here.
 */
export function createTokenBuckets(redis: Redis, options: { keyPrefix: string }): TokenBuckets {
  // Idempotent: defining the script again on the same connection only replaces it.
  redis.defineCommand('takeBudgetTokens', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  return {
    async take(key, policy, cost, nowMs) {
      const perMs = policy.capacity / (policy.windowSeconds * 1000);
      const [admitted, tokens] = await redis.takeBudgetTokens(`${options.keyPrefix}${key}`, String(policy.capacity), String(perMs), String(cost), nowMs === undefined ? '' : String(nowMs));
      return { admitted: admitted === 1, tokens: Number(tokens) };
    },
  };
}
