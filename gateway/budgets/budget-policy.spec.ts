import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/load-config.ts';
import { loadGatewayConfig } from '../config.ts';
import { budgetAnswer, parseBudget, policyHeader, refillPerSecond } from './budget-policy.ts';
import { chargedCost } from './budgets.ts';

describe('parseBudget', () => {
  it('reads <capacity>/<refill time> in ms, s, m or h', () => {
    expect(parseBudget('20000/60s')).toEqual({ capacity: 20000, windowSeconds: 60 });
    expect(parseBudget(' 100 / 1h ')).toEqual({ capacity: 100, windowSeconds: 3600 });
    expect(parseBudget('5000/500ms')).toEqual({ capacity: 5000, windowSeconds: 0.5 });
    expect(parseBudget('600/1.5m')).toEqual({ capacity: 600, windowSeconds: 90 });
  });

  it('refuses anything else, and budgets that never fill or refill', () => {
    for (const text of ['', '20000', '20000/60', '20000/s', '0/60s', '-5/60s', '20000/0s', '1.5/60s', '20000/60d', 'lots/60s']) expect(parseBudget(text)).toBeNull();
  });
});

describe('bucket answers', () => {
  const policy = { capacity: 1000, windowSeconds: 100 }; // 10 points a second

  it('refills capacity/window per second and names the policy in the draft header form', () => {
    expect(refillPerSecond(policy)).toBe(10);
    expect(policyHeader(policy)).toBe('1000;w=100');
    expect(policyHeader({ capacity: 5, windowSeconds: 0.5 })).toBe('5;w=1');
  });

  it('admitted: whole points left, seconds until full rounded up, no wait', () => {
    expect(budgetAnswer(policy, 250, 750, true)).toEqual({ limit: 1000, remaining: 750, resetSeconds: 25, retryAfterSeconds: 0 });
    expect(budgetAnswer(policy, 1, 999.5, true)).toEqual({ limit: 1000, remaining: 999, resetSeconds: 1, retryAfterSeconds: 0 });
    expect(budgetAnswer(policy, 1000, 0, true)).toEqual({ limit: 1000, remaining: 0, resetSeconds: 100, retryAfterSeconds: 0 });
  });

  it('refused: Retry-After is the time until the bucket holds THIS cost, at least a second', () => {
    expect(budgetAnswer(policy, 300, 100, false)).toEqual({ limit: 1000, remaining: 100, resetSeconds: 90, retryAfterSeconds: 20 });
    expect(budgetAnswer(policy, 300, 295.5, false).retryAfterSeconds).toBe(1);
    expect(budgetAnswer(policy, 1000, 0, false).retryAfterSeconds).toBe(100);
  });

  it('charges every operation at least one whole point', () => {
    expect(chargedCost(0)).toBe(1);
    expect(chargedCost(1)).toBe(1);
    expect(chargedCost(42)).toBe(42);
  });
});

describe('budget config', () => {
  it('defaults: on, every class sized at least MAX_QUERY_COST, under shop:budgets:', () => {
    const config = loadGatewayConfig({});
    expect(config.budgets).toEqual({
      keyPrefix: 'shop:budgets:',
      policies: {
        anonymous: { capacity: 40000, windowSeconds: 60 },
        customer: { capacity: 60000, windowSeconds: 60 },
        partner: { capacity: 100000, windowSeconds: 60 },
        admin: { capacity: 200000, windowSeconds: 60 },
      },
    });
    for (const policy of Object.values(config.budgets?.policies ?? {})) expect(policy.capacity).toBeGreaterThanOrEqual(config.maxQueryCost);
  });

  it('reads each class and the key prefix; RATE_LIMITS_ENABLED=false turns budgets off', () => {
    const config = loadGatewayConfig({ MAX_QUERY_COST: '100', BUDGET_ANONYMOUS: '100/1h', BUDGET_PARTNER: '5000/10s', BUDGETS_KEY_PREFIX: 'edge:budgets:' });
    expect(config.budgets?.policies.anonymous).toEqual({ capacity: 100, windowSeconds: 3600 });
    expect(config.budgets?.policies.partner).toEqual({ capacity: 5000, windowSeconds: 10 });
    expect(config.budgets?.keyPrefix).toBe('edge:budgets:');
    expect(loadGatewayConfig({ RATE_LIMITS_ENABLED: 'false' }).budgets).toBeNull();
    // Off, a small budget is not a problem: nothing spends it.
    expect(loadGatewayConfig({ RATE_LIMITS_ENABLED: 'false', BUDGET_ANONYMOUS: '10/1s' }).budgets).toBeNull();
  });

  it('refuses unreadable budgets and any below MAX_QUERY_COST, naming each', () => {
    expect(problemsOf({ BUDGET_ANONYMOUS: '20000 per minute' })).toEqual([expect.stringMatching(/^BUDGET_ANONYMOUS: must be <capacity>\/<refill time>/)]);
    expect(problemsOf({ BUDGET_CUSTOMER: '19999/60s', BUDGET_ADMIN: '100/1s' })).toEqual([
      expect.stringMatching(/^BUDGET_CUSTOMER: capacity 19999 is below MAX_QUERY_COST \(20000\)/),
      expect.stringMatching(/^BUDGET_ADMIN: capacity 100 is below MAX_QUERY_COST/),
    ]);
  });
});

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadGatewayConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
