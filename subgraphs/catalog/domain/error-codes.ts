/**
 * The codes the catalog subgraph returns in `userErrors` (products, variants, categories). Clients branch on these strings: never rename or reuse one, add new ones instead.
 */
export const CatalogErrorCodes = {
  PRODUCT_NOT_FOUND: 'PRODUCT_NOT_FOUND',
  PRODUCT_ILLEGAL_TRANSITION: 'PRODUCT_ILLEGAL_TRANSITION',
  PRODUCT_VARIANT_NOT_FOUND: 'PRODUCT_VARIANT_NOT_FOUND',
  PRODUCT_SLUG_TAKEN: 'PRODUCT_SLUG_TAKEN',
  CATEGORY_NOT_FOUND: 'CATEGORY_NOT_FOUND',
  CATEGORY_SLUG_TAKEN: 'CATEGORY_SLUG_TAKEN',
  SKU_TAKEN: 'SKU_TAKEN',
  CURRENCY_MISMATCH: 'CURRENCY_MISMATCH',
} as const;
