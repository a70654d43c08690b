import type { DemoFacts, Environment } from '../../platform/lifecycle/subgraph-definition.ts';
import { NO_DEMO_FACTS } from '../../platform/lifecycle/subgraph-definition.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { loadSubgraph, SUBGRAPHS, type SubgraphName } from '../../subgraphs/registry.ts';

/**
 * Seeds each subgraph's own database through that subgraph's own seed, in start order: later
 * seeds use what earlier ones made (catalog products need the vendor ids users created). Each
 * seed does nothing when its data exists.
 */
export async function seedDemoData(envFor: (name: SubgraphName) => Environment): Promise<DemoFacts> {
  const logger = createLogger({ service: 'seed', level: 'warn', pretty: false });
  let facts = NO_DEMO_FACTS;
  for (const { name } of SUBGRAPHS) facts = await (await loadSubgraph(name)).seedDemo(envFor(name), logger, facts);
  return facts;
}
