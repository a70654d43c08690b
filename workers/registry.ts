import type { WorkerDefinition } from '../platform/lifecycle/worker-definition.ts';
import { SUBGRAPH_NAMES } from '../subgraphs/registry.ts';

/**
 * The one list of workers: processes that only consume messages (no GraphQL, no public port).
 * Like subgraphs/registry.ts it is what `npm start`, migrations, code generation and the
 * deployment checks derive from. Each has its own database `shop_<name>` and an internal
 * listener (`/health/live`, `/health/ready`, `/metrics`) on `internalPort`. Started after the
 * subgraphs, whose internal routes they read.
 */
export const WORKERS = [
  { name: 'notifications', internalPort: 9007, load: () => import('./notifications/app.ts') },
] as const satisfies readonly { name: string; internalPort: number; load: () => Promise<{ worker: WorkerDefinition }> }[];

export type WorkerName = (typeof WORKERS)[number]['name'];

export const WORKER_NAMES: readonly WorkerName[] = WORKERS.map((worker) => worker.name);

export async function loadWorker(name: WorkerName): Promise<WorkerDefinition> {
  const entry = WORKERS.find((worker) => worker.name === name);
  if (!entry) throw new Error(`unknown worker ${name}`);
  return (await entry.load()).worker;
}

/**
 * Every process that owns a database (`prisma/<name>/`, `${DATABASE_PREFIX}<name>`), subgraphs
 * first: what migrations, resets, code generation and the test databases go through.
 */
export const DATABASE_OWNERS: readonly string[] = [...SUBGRAPH_NAMES, ...WORKER_NAMES];
