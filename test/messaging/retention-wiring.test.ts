import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { retentionEnvironment, retentionSettings, type RetentionSettings } from '../../platform/messaging/retention.ts';
import { loadCartConfig } from '../../subgraphs/cart/config.ts';
import { loadCatalogConfig } from '../../subgraphs/catalog/config.ts';
import { loadInventoryConfig } from '../../subgraphs/inventory/config.ts';
import { loadOrdersConfig } from '../../subgraphs/orders/config.ts';
import { loadPaymentsConfig } from '../../subgraphs/payments/config.ts';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../subgraphs/registry.ts';
import { loadUsersConfig } from '../../subgraphs/users/config.ts';
import { loadNotificationsConfig } from '../../workers/notifications/config.ts';
import { WORKER_NAMES, type WorkerName } from '../../workers/registry.ts';

/**
 * Every process whose database has an outbox or an inbox runs the retention job, or those tables
 * grow forever. Checked without booting anything: the tables from its Prisma schema, the settings
 * from its config module, the wiring from its app.ts (the job created once with exactly those
 * tables, started, and stopped among its resources).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

/** Each process's config with no environment; a process missing here fails to compile. */
const CONFIGS: Record<SubgraphName | WorkerName, () => { retention?: RetentionSettings }> = {
  users: () => loadUsersConfig({}),
  catalog: () => loadCatalogConfig({}),
  inventory: () => loadInventoryConfig({}),
  cart: () => loadCartConfig({}),
  payments: () => loadPaymentsConfig({}),
  orders: () => loadOrdersConfig({}),
  notifications: () => loadNotificationsConfig({}),
};

const PROCESSES = [...SUBGRAPH_NAMES.map((name) => ({ name, dir: 'subgraphs' })), ...WORKER_NAMES.map((name) => ({ name, dir: 'workers' }))];

const read = (...parts: string[]) => readFileSync(path.join(ROOT, ...parts), 'utf8');

/** The messaging tables a database has, by their `@@map` in its schema. */
const messagingTables = (name: string) => [...read('prisma', name, 'schema.prisma').matchAll(/@@map\("(outbox_message|inbox_message)"\)/g)].map((match) => match[1]).sort();

describe('the retention job', () => {
  it.each(PROCESSES)('$name runs it over every messaging table its database has', ({ name, dir }) => {
    const tables = messagingTables(name);
    if (tables.length === 0) return;
    expect(CONFIGS[name]().retention, 'retention settings in its config (...retentionEnvironment(), retentionSettings(raw))').toEqual(
      retentionSettings(z.object(retentionEnvironment()).parse({})),
    );
    const app = read(dir, name, 'app.ts');
    const created = [...app.matchAll(/const (\w+) = createBusRetentionJob\(\{[^]*?tables: \[([^\]]*)\]/g)];
    expect(created, 'one createBusRetentionJob({ tables: [...] }) in app.ts').toHaveLength(1);
    const [, job, listed] = created[0] ?? [];
    expect([...(listed ?? '').matchAll(/'(\w+)'/g)].map((match) => match[1]).sort(), 'the tables it is given').toEqual(tables);
    expect(app, 'started').toContain(`${job}.start()`);
    expect(app, 'stopped before the pools close').toMatch(new RegExp(`close: \\(\\) => ${job}\\.stop\\(\\)`));
  });
});
