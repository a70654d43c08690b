import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client';

/**
 * The columns of the unique constraint a write collided with (Prisma's P2002), or null when the
 * error is anything else. Repositories call this to turn a race the service's checks could not
 * see into a domain result (`'SLUG_TAKEN'`), never into a 500.
 *
 * Through the pg driver adapter the columns arrive under `meta.driverAdapterError.cause.constraint`
 * (as database column names, quoted when the index was created with quotes), sometimes only as
 * the index name; the native engine put them in `meta.target`. All of these are read.
 */
export function uniqueViolationFields(error: unknown): string[] | null {
  if (!(error instanceof PrismaClientKnownRequestError) || error.code !== 'P2002') return null;
  const meta = (error.meta ?? {}) as {
    target?: unknown;
    driverAdapterError?: { cause?: { constraint?: { fields?: unknown; index?: unknown } } };
  };
  const constraint = meta.driverAdapterError?.cause?.constraint;
  const raw = Array.isArray(constraint?.fields)
    ? constraint.fields
    : Array.isArray(meta.target)
      ? meta.target
      : typeof meta.target === 'string'
        ? [meta.target]
        : typeof constraint?.index === 'string'
          ? [constraint.index]
          : [];
  return raw.map((field) => String(field).replace(/^"|"$/g, ''));
}

/** True when the collision involved a column (or an index) whose name contains `column`, e.g. `slug`. */
export function isUniqueViolationOn(error: unknown, column: string): boolean {
  return uniqueViolationFields(error)?.some((field) => field.includes(column)) ?? false;
}
