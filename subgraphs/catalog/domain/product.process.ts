import { CatalogErrorCodes } from './error-codes.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { defineProcess } from '../../../platform/process/process-table.ts';
import type { ProductStatus } from './product.ts';

/**
 * A product's lifecycle. Every product starts as a DRAFT that only its vendor and admins see.
 * Publishing makes it ACTIVE (shoppers see it); a vendor may take it back to DRAFT to rework it.
 * ARCHIVED retires it from sale while keeping it for past orders; it can only come back through
 * DRAFT, so nothing returns to sale without being looked at again.
 */
export const productProcess = defineProcess<ProductStatus>('product', 'DRAFT', {
  DRAFT: ['ACTIVE', 'ARCHIVED'],
  ACTIVE: ['DRAFT', 'ARCHIVED'],
  ARCHIVED: ['DRAFT'],
});

const describe: Record<ProductStatus, string> = {
  DRAFT: 'a draft',
  ACTIVE: 'active (on sale)',
  ARCHIVED: 'archived',
};

/** The move from `from` to `to`, or PRODUCT_ILLEGAL_TRANSITION saying why not. */
export function moveProduct(from: ProductStatus, to: ProductStatus): Result<ProductStatus> {
  if (productProcess.canMove(from, to)) return ok(to);
  const hint = from === to ? 'it already is' : `allowed next: ${productProcess.transitions[from].join(', ') || 'none'}`;
  return fail(
    userError(CatalogErrorCodes.PRODUCT_ILLEGAL_TRANSITION, `This product is ${describe[from]}; it cannot become ${describe[to]} (${hint}).`, [
      'input',
      'status',
    ]),
  );
}

/** Shoppers see (and list) only these. */
export const isOnSale = (status: ProductStatus): boolean => status === 'ACTIVE';
