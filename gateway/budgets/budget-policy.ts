/**
 * A token bucket: it holds at most `capacity` cost points and refills continuously, a full
 * bucket in `windowSeconds` (`BUDGET_ANONYMOUS=20000/60s`: 20000 points, refilled at 333⅓ per
 * second). An operation spends its estimated cost; a full bucket lets a burst of `capacity` through.
 */
export interface BudgetPolicy {
  capacity: number;
  windowSeconds: number;
}

const UNIT_SECONDS = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
const BUDGET_PATTERN = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;

/** `20000/60s`, `100/1h`, `5000/500ms` → a policy; null when the text is not one (or refills in no time). */
export function parseBudget(text: string): BudgetPolicy | null {
  const match = BUDGET_PATTERN.exec(text);
  if (!match) return null;
  const capacity = Number(match[1]);
  const windowSeconds = Number(match[2]) * UNIT_SECONDS[match[3] as keyof typeof UNIT_SECONDS];
  if (!Number.isSafeInteger(capacity) || capacity <= 0 || !(windowSeconds > 0)) return null;
  return { capacity, windowSeconds };
}

/** Points regained per second. */
export function refillPerSecond(policy: BudgetPolicy): number {
  return policy.capacity / policy.windowSeconds;
}

/** What the bucket said to one operation, in the figures clients see. */
export interface BudgetAnswer {
  /** `RateLimit-Limit`: the bucket's capacity. */
  limit: number;
  /** `RateLimit-Remaining`: whole points left after this operation. */
  remaining: number;
  /** `RateLimit-Reset`: seconds until the bucket is full again. */
  resetSeconds: number;
  /** `Retry-After` when refused: seconds until the bucket holds this operation's cost; 0 when admitted. */
  retryAfterSeconds: number;
}

/**
 * The answer to an operation costing `cost` when the bucket holds `tokens` after the decision
 * (spent when admitted, untouched when refused). Times round up, so a client that waits the
 * seconds it was told never comes back a moment too early.
 */
export function budgetAnswer(policy: BudgetPolicy, cost: number, tokens: number, admitted: boolean): BudgetAnswer {
  const rate = refillPerSecond(policy);
  const held = Math.min(policy.capacity, Math.max(0, tokens));
  return {
    limit: policy.capacity,
    remaining: Math.floor(held),
    resetSeconds: Math.ceil((policy.capacity - held) / rate),
    retryAfterSeconds: admitted ? 0 : Math.max(1, Math.ceil((cost - held) / rate)),
  };
}

/** `RateLimit-Policy` (IETF draft ratelimit-headers): `<capacity>;w=<window seconds>`. */
export function policyHeader(policy: BudgetPolicy): string {
  return `${policy.capacity};w=${Math.ceil(policy.windowSeconds)}`;
}
