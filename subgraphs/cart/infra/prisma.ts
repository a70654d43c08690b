import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from '../../../platform/prisma/pg-adapter.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type CartPrisma = PrismaClient;
export type CartTransaction = Prisma.TransactionClient;

/** The cart database client on the pg driver adapter. */
export function createCartPrisma(databaseUrl: string, poolSize = 10): CartPrisma {
  return new PrismaClient({ adapter: new PrismaPg(poolConfigFromUrl(databaseUrl, poolSize)) });
}
