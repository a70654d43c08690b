import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type OperationDefinitionNode } from 'graphql';
import { ErrorCodes } from '../../platform/errors/codes.ts';
import type { GatewayContext } from '../context.ts';
import { loadCostSchema } from './cost-directives.ts';
import { estimateCost } from './estimate-cost.ts';

export interface CostLimitOptions {
  /** The composed supergraph: the API schema Apollo validates against drops the cost directives. */
  supergraphSdl: string;
  /** Operations estimated above this are refused. */
  maxCost: number;
  /** The size of a list whose `@listSize` gives none. */
  defaultListSize: number;
}

/** Estimates kept: far more than the distinct operations a storefront sends, small enough not to matter. */
const CACHED_ESTIMATES = 1_000;
/** Variables longer than this (as JSON) are estimated each time rather than kept as part of a key. */
const MAX_CACHED_VARIABLES_LENGTH = 1_024;

/**
 * Refuses an operation whose estimated cost (estimate-cost.ts, from the supergraph's `@cost` and
 * `@listSize`) is above `maxCost`, with COST_ESTIMATED_TOO_EXPENSIVE (the code Apollo Router
 * uses), the figures in `extensions.cost` and HTTP 400. It runs in `didResolveOperation`: the
 * document is valid and its variables known, and nothing has been planned or sent to a subgraph.
 *
 * Estimates are kept per document, operation and the values of the variables it declares, in a
 * bounded cache, so a repeated operation is not walked again.
 */
export function costLimitPlugin(options: CostLimitOptions): ApolloServerPlugin<GatewayContext> {
  const costSchema = loadCostSchema(options.supergraphSdl);
  const estimates = boundedCache<number>(CACHED_ESTIMATES);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, queryHash, contextValue }) {
          // No operation to run: Apollo answers that itself.
          if (!operation) return;
          const variables = request.variables ?? {};
          const key = estimateKey(queryHash, operation, variables);
          let estimated = key === null ? undefined : estimates.get(key);
          if (estimated === undefined) {
            estimated = estimateCost(costSchema, document, operation, variables, { defaultListSize: options.defaultListSize });
            if (key !== null) estimates.set(key, estimated);
          }
          if (estimated <= options.maxCost) return;
          contextValue.logger.info({ operation: operation.name?.value ?? null, estimated, max: options.maxCost }, 'operation refused: estimated cost above the limit');
          throw new CostTooHighError(operation, estimated, options.maxCost);
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
