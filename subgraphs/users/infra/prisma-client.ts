import { createPrismaAdapter } from '../../../platform/prisma/pg-adapter.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type UsersPrisma = PrismaClient;
export type UsersTransaction = Prisma.TransactionClient;

/** The users database client on the pg driver adapter (no Rust engine; see notes/prisma-offline.md). */
export function createUsersPrisma(databaseUrl: string, poolSize = 10): UsersPrisma {
  return new PrismaClient({ adapter: createPrismaAdapter(databaseUrl, poolSize) });
}

/**
 * The columns of a unique-constraint violation (P2002), or null for any other error. Through the
 * pg adapter the columns arrive under `meta.driverAdapterError.cause.constraint.fields` (database
 * names); the native engine put them in `meta.target`. Both are read so callers need not care.
 */
export function uniqueViolationFields(error: unknown): string[] | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return null;
  const meta = (error.meta ?? {}) as {
    target?: unknown;
    driverAdapterError?: { cause?: { constraint?: { fields?: unknown; index?: unknown } } };
  };
  const fromAdapter = meta.driverAdapterError?.cause?.constraint?.fields;
  const raw = Array.isArray(fromAdapter) ? fromAdapter : Array.isArray(meta.target) ? meta.target : [];
  // pg reports quoted identifiers ("owner_id") when the index was created with quotes.
  return raw.map((field) => String(field).replace(/^"|"$/g, ''));
}

/** Escapes LIKE wildcards: Prisma's `contains` passes `%` and `_` through as patterns (prisma/orm#10810). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
