import { Counter, type Registry } from 'prom-client';
import { withTimeout } from '../../platform/lifecycle/with-timeout.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import type { Redis } from '../../platform/redis/redis.ts';
import type { Caller, CallerClass } from '../caller.ts';
import { budgetAnswer, type BudgetAnswer, type BudgetPolicy } from './budget-policy.ts';
import { createTokenBuckets, type TokenBuckets } from './token-bucket.ts';

export interface BudgetSettings {
  /** The buckets' key space (BUDGETS_KEY_PREFIX) on the gateway's Redis, the same for every gateway instance. */
  keyPrefix: string;
  /** Each caller class's bucket. */
  policies: Record<CallerClass, BudgetPolicy>;
}

/**
 * - `admitted`: the cost was spent; execute.
 * - `refused`: the bucket holds too little now; retry after `answer.retryAfterSeconds`.
 * - `unchecked`: Redis did not answer; the operation runs unmetered (fail open).
 */
export type BudgetDecision =
  | { outcome: 'admitted' | 'refused'; policy: BudgetPolicy; cost: number; answer: BudgetAnswer }
  | { outcome: 'unchecked'; policy: BudgetPolicy; cost: number };

export interface Budgets {
  /** The class's bucket: an operation costing more than its capacity can never run. */
  policyOf(callerClass: CallerClass): BudgetPolicy;
  /** Spends an operation's estimated cost from the caller's bucket (at least 1: no operation is free). */
  spend(caller: Caller, estimatedCost: number): Promise<BudgetDecision>;
}

/** What an operation spends: its estimate in whole points, and at least 1, so no operation is free (`{ __typename }` estimates 0). */
export function chargedCost(estimatedCost: number): number {
  return Math.max(1, Math.ceil(estimatedCost));
}

/** A Redis that has not answered by then counts as down: the budget must never hold a request up. */
const SPEND_TIMEOUT_MS = 250;

/**
 * Budgets per caller: one token bucket per `caller.id` (an API key, an account or a client
 * address), sized by the caller's class. When Redis fails or is slow the operation is let through
 * (an outage of the limiter must not become an outage of the shop), logged once per outage and
 * counted in `gateway_budget_decisions_total{outcome="unchecked"}`.
 */
export function createBudgets(buckets: TokenBuckets, policies: Record<CallerClass, BudgetPolicy>, logger: Logger, registry: Registry): Budgets {
  const log = logger.child({ component: 'budgets' });
  const decisions = new Counter({
    name: 'gateway_budget_decisions_total',
    help: 'Operations weighed against a caller budget, by caller class and outcome (admitted, refused, unchecked: Redis unavailable).',
    labelNames: ['class', 'outcome'] as const,
    registers: [registry],
  });
  let degraded = false;

  return {
    policyOf: (callerClass) => policies[callerClass],
    async spend(caller, estimatedCost) {
      const policy = policies[caller.class];
      const cost = chargedCost(estimatedCost);
      let decision: BudgetDecision;
      try {
        // A cost above the capacity is refused by the caller before this (policyOf); here it is simply never admitted.
        const taken = await withTimeout(buckets.take(`bucket:${caller.id}`, policy, cost), SPEND_TIMEOUT_MS, 'budget spend');
        if (degraded) {
          degraded = false;
          log.info('budgets available again');
        }
        decision = { outcome: taken.admitted ? 'admitted' : 'refused', policy, cost, answer: budgetAnswer(policy, cost, taken.tokens, taken.admitted) };
      } catch (error) {
        if (!degraded) {
          degraded = true;
          log.warn({ err: error instanceof Error ? error.message : String(error) }, 'budgets unavailable; serving operations unmetered');
        }
        decision = { outcome: 'unchecked', policy, cost };
      }
      decisions.inc({ class: caller.class, outcome: decision.outcome });
      return decision;
    },
  };
}

/** Budgets on the gateway's Redis connection, under `settings.keyPrefix`; whoever made the connection closes it. */
export function redisBudgets(redis: Redis, settings: BudgetSettings, logger: Logger, registry: Registry): Budgets {
  return createBudgets(createTokenBuckets(redis, { keyPrefix: settings.keyPrefix }), settings.policies, logger, registry);
}
