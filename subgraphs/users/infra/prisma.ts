import { createPrismaAdapter } from '../../../platform/prisma/pg-adapter.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type UsersPrisma = PrismaClient;
export type UsersTransaction = Prisma.TransactionClient;

/** The users database client on the pg driver adapter (no Rust engine). */
export function createUsersPrisma(databaseUrl: string, poolSize = 10): UsersPrisma {
  return new PrismaClient({ adapter: createPrismaAdapter(databaseUrl, poolSize) });
}
