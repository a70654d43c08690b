import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from '../../../platform/prisma/pg-adapter.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type CatalogPrisma = PrismaClient;

/**
 * pg_trgm's default word-similarity threshold (0.6) misses ordinary typos ("hedphone" scores 0.5
 * against "Headphones"). The `<%` operator (the one the trigram GIN index serves) reads the
 * threshold from the session, so every connection of this pool starts with a gentler one.
 */
export const TRIGRAM_THRESHOLD = 0.5;

export function createCatalogPrisma(databaseUrl: string, poolSize = 10): CatalogPrisma {
  const adapter = new PrismaPg({
    ...poolConfigFromUrl(databaseUrl, poolSize),
    options: `-c pg_trgm.word_similarity_threshold=${TRIGRAM_THRESHOLD}`,
  });
  return new PrismaClient({ adapter });
}

/**
 * The unique index a write collided with, if that is why it failed. With driver adapters the
 * index's columns arrive in `meta.target` or under `meta.driverAdapterError.cause.constraint`,
 * depending on the path, so both are read.
 */
export function uniqueViolationOn(error: unknown): string[] | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return null;
  const meta = error.meta as
    | { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: unknown; index?: unknown } } } }
    | undefined;
  const fields = meta?.target ?? meta?.driverAdapterError?.cause?.constraint?.fields;
  if (Array.isArray(fields)) return fields.map(String);
  if (typeof fields === 'string') return [fields];
  const index = meta?.driverAdapterError?.cause?.constraint?.index;
  return typeof index === 'string' ? [index] : [];
}
