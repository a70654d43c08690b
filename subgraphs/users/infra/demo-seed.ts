import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { UsersConfig } from '../config.ts';
import { createPasswordHasher } from './password-hasher.ts';
import { createUsersPrisma } from './prisma.ts';

export interface UsersDemoSeed {
  /** True when this call created the data; false when the users table already had rows. */
  created: boolean;
  /** Approved stores, for the catalog seed to attach products to. */
  vendors: { id: string; name: string; slug: string }[];
  /** Who can sign in; the admin's password is only known (non-null) on the run that created it. */
  logins: { role: 'ADMIN' | 'VENDOR' | 'CUSTOMER'; email: string; password: string | null }[];
}

// DEV ONLY: documented demo passwords for a local database. They are never used outside a seed,
// and the seed refuses to run in production.
const DEMO_CUSTOMER_PASSWORD = 'demo-customer-pass-1';
const DEMO_VENDOR_PASSWORD = 'demo-vendor-pass-1';

const DEMO_STORES = [
  { owner: 'Maya Chen', name: 'Green Leaf Tea Co.', slug: 'green-leaf-tea', description: 'Single-estate loose-leaf teas from small growers in Darjeeling, Uji and Yunnan, packed the week they ship.' },
  { owner: 'Liam Walsh', name: 'Northwind Outfitters', slug: 'northwind-outfitters', description: 'Hard-wearing outdoor clothing and camping gear, tested on the trails of the Scottish Highlands.' },
  { owner: 'Sofia Rossi', name: 'Paper & Pine', slug: 'paper-and-pine', description: 'Notebooks, fountain-pen friendly paper and desk goods, bound by hand in a small Bologna workshop.' },
  { owner: 'Daniel Okafor', name: 'Copper Kettle Kitchenware', slug: 'copper-kettle', description: 'Cast iron, copper and carbon-steel cookware that lasts a lifetime, plus the tools to care for it.' },
  { owner: 'Emma Larsen', name: 'Little Sprout Toys', slug: 'little-sprout-toys', description: 'Wooden and organic-cotton toys for babies and toddlers, free of plastics and finished with food-safe oils.' },
  { owner: 'Noah Fischer', name: 'Atlas Audio', slug: 'atlas-audio', description: 'Headphones, turntables and compact speakers chosen by ear, with honest advice on what fits your room.' },
  { owner: 'Aisha Rahman', name: 'Bloom & Thread', slug: 'bloom-and-thread', description: 'Linen clothing and home textiles in natural dyes, cut in small batches to avoid waste.' },
  { owner: 'Lucas Moreau', name: 'Riverstone Ceramics', slug: 'riverstone-ceramics', description: 'Wheel-thrown stoneware mugs, bowls and vases, each glazed by hand and a little different from the next.' },
] as const;

const demoLogins = (adminPassword: string | null): UsersDemoSeed['logins'] => [
  { role: 'ADMIN', email: 'admin@demo.shop', password: adminPassword },
  { role: 'CUSTOMER', email: 'customer@demo.shop', password: DEMO_CUSTOMER_PASSWORD },
  ...DEMO_STORES.map((_, index) => ({ role: 'VENDOR' as const, email: `vendor${index + 1}@demo.shop`, password: DEMO_VENDOR_PASSWORD })),
];

/**
 * Demo accounts and stores for a fresh dev database: an admin (random password, returned once so
 * the start script can print it), a customer, and eight approved stores each owned by its own
 * vendor account. Idempotent: with any user present it creates nothing.
 */
export async function seedUsersDemo(config: UsersConfig, logger: Logger): Promise<UsersDemoSeed> {
  if (config.nodeEnv === 'production') throw new Error('The demo seed never runs in production.');
  const log = logger.child({ component: 'demo-seed' });
  const prisma = createUsersPrisma(config.databaseUrl, 2);
  try {
    const approvedStores = () =>
      prisma.vendor.findMany({ where: { status: 'APPROVED' }, select: { id: true, name: true, slug: true }, orderBy: { slug: 'asc' } });
    if ((await prisma.user.count()) > 0) {
      return { created: false, vendors: await approvedStores(), logins: demoLogins(null) };
    }
    const hasher = await createPasswordHasher();
    const adminPassword = randomBytes(18).toString('base64url');
    const [adminHash, customerHash, vendorHash] = await Promise.all([
      hasher.hash(adminPassword),
      hasher.hash(DEMO_CUSTOMER_PASSWORD),
      hasher.hash(DEMO_VENDOR_PASSWORD),
    ]);
    await prisma.$transaction(async (tx) => {
      const admin = await tx.user.create({ data: { email: 'admin@demo.shop', name: 'Demo Admin', passwordHash: adminHash, role: 'ADMIN' } });
      await tx.user.create({ data: { email: 'customer@demo.shop', name: 'Casey Customer', passwordHash: customerHash } });
      for (const [index, store] of DEMO_STORES.entries()) {
        await tx.user.create({
          data: {
            email: `vendor${index + 1}@demo.shop`,
            name: store.owner,
            passwordHash: vendorHash,
            role: 'VENDOR',
            vendors: {
              create: {
                name: store.name,
                slug: store.slug,
                description: store.description,
                status: 'APPROVED',
                decidedAt: new Date(),
                decidedBy: admin.id,
              },
            },
          },
        });
      }
    });
    const vendors = await approvedStores();
    log.info({ vendors: vendors.length }, 'seeded demo accounts and stores');
    return { created: true, vendors, logins: demoLogins(adminPassword) };
  } finally {
    await prisma.$disconnect();
  }
}
