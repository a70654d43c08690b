import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl } from '../../../platform/config/load-config.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import { dropDatabase, migrateAll } from '../../../scripts/lib/databases.ts';
import { testEnv } from '../../../test/support/test-env.ts';
import { loadUsersConfig } from '../config.ts';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';
import { seedUsersDemo } from './demo-seed.ts';

// The seed only runs on an empty users table, so it gets a database of its own.
const prefix = `${testEnv.TEST_DATABASE_PREFIX}seed_`;
const database = `${prefix}users`;
const url = databaseUrl(testEnv.POSTGRES_URL, database);
const logger = createLogger({ service: 'test', level: 'silent', pretty: false });
const config = loadUsersConfig({ DATABASE_URL: url, REDIS_URL: testEnv.REDIS_URL });
let h: UsersHarness;

beforeAll(async () => {
  await dropDatabase(testEnv.POSTGRES_URL, database);
  await migrateAll(testEnv.POSTGRES_URL, prefix, ['users']);
  h = await createUsersHarness({ scope: 'seed', databaseUrl: url });
});
afterAll(async () => {
  await h?.close();
  await dropDatabase(testEnv.POSTGRES_URL, database);
});

describe('users demo seed', () => {
  it('creates an admin, a customer and eight approved stores with their vendors, then does nothing', async () => {
    const first = await seedUsersDemo(config, logger);
    expect(first.created).toBe(true);
    expect(first.vendors).toHaveLength(8);
    expect(new Set(first.vendors.map((vendor) => vendor.slug)).size).toBe(8);
    expect(first.logins.map((login) => [login.role, login.email])).toEqual([
      ['ADMIN', 'admin@demo.shop'],
      ['CUSTOMER', 'customer@demo.shop'],
      ...Array.from({ length: 8 }, (_, i) => ['VENDOR', `vendor${i + 1}@demo.shop`]),
    ]);
    const adminPassword = first.logins[0]?.password;
    expect(adminPassword).toMatch(/^[\w-]{24}$/);
    expect(await h.prisma.user.count()).toBe(10);
    expect(await h.prisma.vendor.count({ where: { status: 'APPROVED' } })).toBe(8);

    // Every login works and carries the right claims.
    for (const login of first.logins) {
      const session = await h.services.auth.logIn(h.scope(), { email: login.email, password: login.password ?? '' });
      if (!session.ok) throw new Error(`${login.email} cannot log in: ${JSON.stringify(session.errors)}`);
      const viewer = await h.verifier.verify(session.value.accessToken);
      expect(viewer.role).toBe(login.role);
      if (login.role === 'VENDOR') expect(first.vendors.map((vendor) => vendor.id)).toContain(viewer.vendorId);
    }

    const second = await seedUsersDemo(config, logger);
    expect(second.created).toBe(false);
    expect(second.vendors).toEqual(first.vendors);
    expect(second.logins[0]).toEqual({ role: 'ADMIN', email: 'admin@demo.shop', password: null });
    expect(second.logins.slice(1)).toEqual(first.logins.slice(1));
    expect(await h.prisma.user.count()).toBe(10);
  });

  it('refuses to run in production', async () => {
    const production = { ...config, nodeEnv: 'production' as const };
    await expect(seedUsersDemo(production, logger)).rejects.toThrow(/production/);
  });
});
