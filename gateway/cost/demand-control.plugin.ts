import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type OperationDefinitionNode } from 'graphql';
import { ErrorCodes } from '../../platform/errors/codes.ts';
import { costReport, rateLimitedResponse, rateLimitHeaders } from '../budgets/budget-response.ts';
import { chargedCost, type BudgetDecision, type Budgets } from '../budgets/budgets.ts';
import type { GatewayContext } from '../context.ts';
import { loadCostSchema } from './cost-directives.ts';
import { estimateCost } from './estimate-cost.ts';

export interface DemandControlOptions {
  /** The composed supergraph: the API schema Apollo validates against drops the cost directives. */
  supergraphSdl: string;
  /** Operations estimated above this are refused. */
  maxCost: number;
  /** The size of a list whose `@listSize` gives none. */
  defaultListSize: number;
  /** The callers' budgets, spent by each operation's estimate; null: no budgets (RATE_LIMITS_ENABLED=false). */
  budgets: Budgets | null;
}

/** Estimates kept: far more than the distinct operations a storefront sends, small enough not to matter. */
const CACHED_ESTIMATES = 1_000;
/** Variables longer than this (as JSON) are estimated each time rather than kept as part of a key. */
const MAX_CACHED_VARIABLES_LENGTH = 1_024;

/**
 * Demand control: each operation's cost is estimated once (estimate-cost.ts, from the
 * supergraph's `@cost` and `@listSize`), then, cheapest check first:
 *
 * 1. `didResolveOperation` (the document parsed and valid, its variables known, nothing planned
 *    or sent to a subgraph): an estimate above `maxCost`, or above the capacity of the caller's
 *    budget (it could never run), is refused with COST_ESTIMATED_TOO_EXPENSIVE (the code Apollo
 *    Router uses), the figures in `extensions.cost` and HTTP 400.
 * 2. `responseForOperation`, which Apollo calls only once every plugin's `didResolveOperation`
 *    passed (so an operation another check refuses spends nothing) and just before execution:
 *    the estimate is spent from the caller's budget. Admitted: RateLimit-* headers, and it runs.
 *    Refused: 429 RATE_LIMITED with Retry-After, and nothing runs. Redis down: it runs unmetered.
 * 3. `willSendResponse`: `extensions.cost` with the figures, when the request's extensions ask
 *    for it (`{"cost": true}`), on every answer that got as far as an estimate.
 *
 * Estimates are kept per document, operation and the values of the variables it declares, in a
 * bounded cache, so a repeated operation is not walked again.
 */
export function demandControlPlugin(options: DemandControlOptions): ApolloServerPlugin<GatewayContext> {
  const costSchema = loadCostSchema(options.supergraphSdl);
  const estimates = boundedCache<number>(CACHED_ESTIMATES);
  const { budgets } = options;
  return {
    async requestDidStart({ request }) {
      const reportAsked = request.extensions?.cost === true;
      let estimated: number | null = null;
      let decision: BudgetDecision | null = null;
      return {
        async didResolveOperation({ document, operation, request: { variables = {} }, queryHash, contextValue }) {
          // No operation to run: Apollo answers that itself.
          if (!operation) return;
          const key = estimateKey(queryHash, operation, variables);
          let cost = key === null ? undefined : estimates.get(key);
          if (cost === undefined) {
            cost = estimateCost(costSchema, document, operation, variables, { defaultListSize: options.defaultListSize });
            if (key !== null) estimates.set(key, cost);
          }
          estimated = cost;
          const capacity = budgets?.policyOf(contextValue.caller.class).capacity ?? Number.POSITIVE_INFINITY;
          const max = Math.min(options.maxCost, capacity);
          if (cost <= max) return;
          contextValue.logger.info({ operation: operation.name?.value ?? null, estimated: cost, max, callerClass: contextValue.caller.class }, 'operation refused: estimated cost above the limit');
          throw new CostTooHighError(operation, cost, max);
        },
        async responseForOperation({ contextValue, response }) {
          if (!budgets || estimated === null) return null;
          decision = await budgets.spend(contextValue.caller, estimated);
          if (decision.outcome === 'unchecked') return null;
          if (decision.outcome === 'refused') {
            contextValue.logger.info({ cost: decision.cost, retryAfterSeconds: decision.answer.retryAfterSeconds, callerClass: contextValue.caller.class }, 'operation refused: budget spent');
            return rateLimitedResponse(decision.policy, decision.cost, decision.answer);
          }
          for (const [name, value] of rateLimitHeaders(decision.policy, decision.answer)) response.http.headers.set(name, value);
          return null;
        },
        async willSendResponse({ response }) {
          if (!reportAsked || estimated === null || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: costReport(decision?.cost ?? chargedCost(estimated), decision) };
          // The report is this caller's figures in the body: never stored for another.
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/** An operation refused for its estimated cost; clients read the figures from `extensions.cost`. */
export class CostTooHighError extends GraphQLError {
  constructor(operation: OperationDefinitionNode, estimated: number, max: number) {
    const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
    super(`${name} is estimated to cost ${estimated}; the limit is ${max}. Ask for fewer items (a smaller \`first\`) or fewer nested lists.`, {
      extensions: { code: ErrorCodes.COST_ESTIMATED_TOO_EXPENSIVE, cost: { estimated, max }, http: { status: 400 } },
    });
    this.name = 'CostTooHighError';
  }
}

/** Document, operation and the values of the variables it declares (absent and null estimate alike); null when too long to keep. */
function estimateKey(queryHash: string, operation: OperationDefinitionNode, variables: Record<string, unknown>): string | null {
  const declared = (operation.variableDefinitions ?? []).map((definition) => variables[definition.variable.name.value] ?? null);
  const values = declared.length === 0 ? '' : JSON.stringify(declared);
  if (values.length > MAX_CACHED_VARIABLES_LENGTH) return null;
  return `${queryHash}\n${operation.name?.value ?? ''}\n${values}`;
}

/** A map that forgets its least recently used entry when full. */
function boundedCache<T>(capacity: number) {
  const entries = new Map<string, T>();
  return {
    get(key: string): T | undefined {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key: string, value: T): void {
      entries.delete(key);
      if (entries.size >= capacity) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, value);
    },
  };
}
