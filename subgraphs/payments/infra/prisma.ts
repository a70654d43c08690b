import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from '../../../platform/prisma/pg-adapter.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type PaymentsPrisma = PrismaClient;

/** The payments database client on the pg driver adapter. */
export function createPaymentsPrisma(databaseUrl: string, poolSize = 10): PaymentsPrisma {
  return new PrismaClient({ adapter: new PrismaPg(poolConfigFromUrl(databaseUrl, poolSize)) });
}

/** Short transactions that lock one payment row: a queue on it is progress, so allow some wait. */
export const PAYMENT_TRANSACTION = { maxWait: 10_000, timeout: 10_000 } as const;
