import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from '../../../platform/prisma/pg-adapter.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type NotificationsPrisma = PrismaClient;

/** The notifications database client on the pg driver adapter (no Rust engine). */
export function createNotificationsPrisma(databaseUrl: string, poolSize = 5): NotificationsPrisma {
  return new PrismaClient({ adapter: new PrismaPg(poolConfigFromUrl(databaseUrl, poolSize)) });
}
