import { HeaderMap, type GraphQLResponse } from '@apollo/server';
import { ErrorCodes } from '../../platform/errors/codes.ts';
import { policyHeader, refillPerSecond, type BudgetAnswer, type BudgetPolicy } from './budget-policy.ts';
import type { BudgetDecision } from './budgets.ts';

/**
 * The IETF draft ratelimit-headers (draft-ietf-httpapi-ratelimit-headers-07) on every operation
 * that spent budget: limit, what is left, seconds until full, and the policy (`<capacity>;w=<s>`).
 */
export function rateLimitHeaders(policy: BudgetPolicy, answer: BudgetAnswer): [string, string][] {
  return [
    ['ratelimit-limit', String(answer.limit)],
    ['ratelimit-remaining', String(answer.remaining)],
    ['ratelimit-reset', String(answer.resetSeconds)],
    ['ratelimit-policy', policyHeader(policy)],
  ];
}

/**
 * The answer to a refused operation: HTTP 429, `Retry-After` (seconds until the bucket holds
 * THIS operation's cost, not merely one point) and RATE_LIMITED with the same figures. Built
 * here rather than thrown, because it replaces execution (`responseForOperation`), where
 * Apollo takes a response, not an error.
 */
export function rateLimitedResponse(policy: BudgetPolicy, cost: number, answer: BudgetAnswer): GraphQLResponse {
  const headers = new HeaderMap([...rateLimitHeaders(policy, answer), ['retry-after', String(answer.retryAfterSeconds)]]);
  return {
    http: { status: 429, headers },
    body: {
      kind: 'single',
      singleResult: {
        errors: [
          {
            message: `This operation costs ${cost} and your budget holds ${answer.remaining} of ${answer.limit}; retry in ${answer.retryAfterSeconds} s.`,
            extensions: { code: ErrorCodes.RATE_LIMITED, cost, retryAfterSeconds: answer.retryAfterSeconds },
          },
        ],
      },
    },
  };
}

/**
 * `extensions.cost` when the request asks for it (request extensions `{"cost": true}`), in
 * Shopify's terms: what the operation costs, the bucket's size, what it holds now and how many
 * points come back per second. The bucket figures are null when no budget was consulted
 * (budgets off, Redis unavailable, or the operation was refused before it).
 */
export interface CostReport {
  requestedQueryCost: number;
  maximumAvailable: number | null;
  currentlyAvailable: number | null;
  restoreRate: number | null;
}

export function costReport(cost: number, decision: BudgetDecision | null): CostReport {
  if (!decision || decision.outcome === 'unchecked') return { requestedQueryCost: cost, maximumAvailable: null, currentlyAvailable: null, restoreRate: null };
  return {
    requestedQueryCost: cost,
    maximumAvailable: decision.policy.capacity,
    currentlyAvailable: decision.answer.remaining,
    restoreRate: Math.round(refillPerSecond(decision.policy) * 1000) / 1000,
  };
}
