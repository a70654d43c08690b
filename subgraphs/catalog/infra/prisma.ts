import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from '../../../platform/prisma/pg-adapter.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type CatalogPrisma = PrismaClient;
export type CatalogTransaction = Prisma.TransactionClient;

/**
 * pg_trgm's default word-similarity threshold (0.6) misses ordinary typos ("hedphone" scores 0.5
 * against "Headphones"). The `<%` operator (the one the trigram GIN index serves) reads the
 * threshold from the session, so every connection of this pool starts with a gentler one.
 */
export const TRIGRAM_THRESHOLD = 0.5;

/** The catalog database client on the pg driver adapter, every connection with the threshold above. */
export function createCatalogPrisma(databaseUrl: string, poolSize = 10): CatalogPrisma {
  const adapter = new PrismaPg({
    ...poolConfigFromUrl(databaseUrl, poolSize),
    options: `-c pg_trgm.word_similarity_threshold=${TRIGRAM_THRESHOLD}`,
  });
  return new PrismaClient({ adapter });
}
