import { forbidden, unauthenticated } from '../../../platform/errors/graphql-errors.ts';
import type { Access } from '../domain/product-access.ts';

/** Turns a denied access decision into the thrown GraphQL error clients branch on. */
export function requireAccess<T>(access: Access<T>): T {
  if (access.allowed) return access.value;
  throw access.reason === 'UNAUTHENTICATED' ? unauthenticated(access.message) : forbidden(access.message);
}
