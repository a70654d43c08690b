import path from 'node:path';
import { JWKS_PATH } from '../../platform/auth/access-token.ts';
import { SUBGRAPHS, TOKEN_ISSUER } from '../../subgraphs/registry.ts';
import { messagingPrefixFor } from './scripts-config.ts';
import { throwawayProductionSecrets } from './throwaway-secrets.ts';
import { startServiceProcess, stopServiceProcesses, type ServiceProcess } from './service-process.ts';

export interface CompiledPlatformOptions {
  /** A folder laid out like the image's /app: package.json, node_modules/ and dist/ (`npm run build`). */
  root: string;
  /** Each subgraph's database, already migrated. */
  databaseUrl(subgraph: string): string;
  redisUrl: string;
  /** Every Redis key of this run starts with it. */
  redisKeyPrefix: string;
}

export interface CompiledPlatform {
  gateway: ServiceProcess;
  subgraphs: ServiceProcess[];
  /** SIGTERM to the gateway, then to the subgraphs in reverse start order; each one's exit code. */
  stop(): Promise<Record<string, number | null>>;
}

/**
 * One operation the gateway must plan across subgraphs (catalog's products, users' vendors), so
 * an answer proves the compiled gateway reached compiled subgraphs and their databases.
 */
export const CROSS_SUBGRAPH_QUERY = '{ products(first: 1) { totalCount } vendor(slug: "no-such-store") { id } }';

/**
 * Runs the compiled platform the way the image does (`node dist/…`, NODE_ENV=production), each
 * service its own process on a free port: every subgraph of the registry in start order, then the
 * gateway over the supergraph the build put in dist/, routed to them with SUBGRAPH_URL_*.
 */
export async function startCompiledPlatform(options: CompiledPlatformOptions): Promise<CompiledPlatform> {
  const common = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    APOLLO_TELEMETRY_DISABLED: '1',
    // Every process, gateway included, reads one list of ended sessions.
    REDIS_URL: options.redisUrl,
    SESSIONS_KEY_PREFIX: `${options.redisKeyPrefix}sessions:`,
    BUDGETS_KEY_PREFIX: `${options.redisKeyPrefix}budgets:`,
    PARTNERS_KEY_PREFIX: `${options.redisKeyPrefix}partners:`,
    APQ_KEY_PREFIX: `${options.redisKeyPrefix}apq:`,
    // Never the dev stack's exchanges and queues (`shop.`): its consumers would take the dev events.
    MESSAGING_PREFIX: messagingPrefixFor(options.redisKeyPrefix),
  };
  const secrets = throwawayProductionSecrets();
  const started: ServiceProcess[] = [];
  const stopAll = () => stopServiceProcesses([...started].reverse());
  try {
    let jwksUrl: string | null = null;
    for (const { name } of SUBGRAPHS) {
      const subgraph = await startServiceProcess({
        name,
        args: [path.join('dist', 'subgraphs', name, 'main.js')],
        cwd: options.root,
        env: {
          ...common,
          ...secrets,
          DATABASE_URL: options.databaseUrl(name),
          REDIS_KEY_PREFIX: `${options.redisKeyPrefix}${name}:`,
          ...(jwksUrl ? { JWKS_URL: jwksUrl } : {}),
        },
      });
      started.push(subgraph);
      if (name === TOKEN_ISSUER) jwksUrl = `${subgraph.internalOrigin}${JWKS_PATH}`;
    }
    const subgraphs = [...started];
    const gateway = await startServiceProcess({
      name: 'gateway',
      args: [path.join('dist', 'gateway', 'main.js')],
      cwd: options.root,
      env: {
        ...common,
        GATEWAY_SIGNING_SECRETS: secrets.GATEWAY_SIGNING_SECRETS,
        ...(jwksUrl ? { JWKS_URL: jwksUrl } : {}),
        ...Object.fromEntries(subgraphs.map((subgraph) => [`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`, subgraph.graphqlUrl])),
      },
    });
    started.push(gateway);
    return { gateway, subgraphs, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
