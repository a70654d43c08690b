/** Escapes LIKE wildcards: Prisma's `contains` passes `%` and `_` through as patterns (prisma/orm#10810). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
