import type { AccessTokenVerifier } from '../auth/access-token.ts';
import type { RunningSubgraph } from '../graphql/subgraph-server.ts';
import type { Logger } from '../logging/logger.ts';
import { loadConfigOrExit, runService, type ServiceConfig } from './run-service.ts';

export type Environment = Record<string, string | undefined>;

/** What a test may swap when it boots a subgraph in-process. */
export interface SubgraphOverrides {
  /** Verify access tokens against these keys instead of the issuer's JWKS URL. */
  verifier?: AccessTokenVerifier;
}

/**
 * What the demo seeds of earlier subgraphs tell later ones (in start order), and what `npm start`
 * prints at the end. Development data only.
 */
export interface DemoFacts {
  /** True when a seed created data in this run; the admin's password is only known then. */
  created: boolean;
  logins: { role: string; email: string; password: string | null }[];
  /** Approved demo stores, for subgraphs that attach things to vendors. */
  vendorIds: string[];
  products: number;
  /** Demo variants on sale (catalog's), for subgraphs that attach things to variants (inventory's stock). */
  variants: DemoVariant[];
}

/** A demo variant as later seeds need it: its id, SKU and the vendor that sells it. */
export interface DemoVariant {
  id: string;
  sku: string;
  vendorId: string;
}

export const NO_DEMO_FACTS: DemoFacts = { created: false, logins: [], vendorIds: [], products: 0, variants: [] };

/**
 * One subgraph as the rest of the repository sees it: every `app.ts` exports one, built with
 * `defineSubgraph`, and every `main.ts` is `await subgraph.run()`. The list of subgraphs
 * (subgraphs/registry.ts) loads them; scripts and the test platform never call a subgraph's
 * internals.
 */
export interface SubgraphDefinition {
  name: string;
  /** Validates `env` (as its config module would) and starts serving; tests boot on port 0. */
  boot(env: Environment, logger: Logger, overrides?: SubgraphOverrides): Promise<RunningSubgraph>;
  /** The process entry: config from the environment, a logger, serve, stop gracefully on SIGTERM/SIGINT. */
  run(): Promise<void>;
  /** Demo data into its own empty database, given what earlier seeds made; never in production. */
  seedDemo(env: Environment, logger: Logger, facts: DemoFacts): Promise<DemoFacts>;
}

export function defineSubgraph<TConfig extends ServiceConfig>(spec: {
  name: string;
  loadConfig(env?: Environment): TConfig;
  start(config: TConfig, logger: Logger, overrides?: SubgraphOverrides): Promise<RunningSubgraph>;
  seedDemo(config: TConfig, logger: Logger, facts: DemoFacts): Promise<DemoFacts>;
}): SubgraphDefinition {
  return {
    name: spec.name,
    boot: (env, logger, overrides) => spec.start(spec.loadConfig(env), logger, overrides),
    run: () => runService(spec.name, loadConfigOrExit(() => spec.loadConfig()), (config, logger) => spec.start(config, logger)),
    seedDemo: (env, logger, facts) => spec.seedDemo(spec.loadConfig(env), logger, facts),
  };
}
