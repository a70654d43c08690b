import { createLogger } from '../../platform/logging/logger.ts';
import { loadCatalogConfig } from '../../subgraphs/catalog/config.ts';
import { seedCatalogDemo } from '../../subgraphs/catalog/infra/demo-seed.ts';
import { loadUsersConfig } from '../../subgraphs/users/config.ts';
import { seedUsersDemo } from '../../subgraphs/users/infra/demo-seed.ts';

export interface DemoSeedSummary {
  /** True when this run created the data (first start); the admin password is only known then. */
  created: boolean;
  logins: { role: string; email: string; password: string | null }[];
  vendors: number;
  products: number;
}

/**
 * Seeds each subgraph's own database through that subgraph's own seed module, users first:
 * catalog products need the vendor ids users created. Each seed does nothing when its data exists.
 */
export async function seedDemoData(env: { users: Record<string, string>; catalog: Record<string, string> }): Promise<DemoSeedSummary> {
  const logger = createLogger({ service: 'seed', level: 'warn', pretty: false });
  const users = await seedUsersDemo(loadUsersConfig(env.users), logger);
  const catalog = await seedCatalogDemo(
    loadCatalogConfig(env.catalog),
    logger,
    users.vendors.map((vendor) => vendor.id),
  );
  return {
    created: users.created || catalog.created,
    logins: users.logins,
    vendors: users.vendors.length,
    products: catalog.products,
  };
}
