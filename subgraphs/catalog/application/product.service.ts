import { randomUUID } from 'node:crypto';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { canEditProduct, canManageProducts, vendorForNewProduct } from '../domain/access.ts';
import { CatalogErrorCodes } from '../domain/error-codes.ts';
import { moveProduct } from '../domain/product.process.ts';
import type { Product, ProductStatus, ProductVariant } from '../domain/product.ts';
import {
  checkVariantCurrency,
  LIMITS,
  validateNewProduct,
  validateProductPatch,
  validateVariant,
  validateVariantPatch,
  type NewProductInput,
  type ProductPatchInput,
  type VariantInput,
  type VariantPatchInput,
} from '../domain/product.validation.ts';
import { slugify, slugWithSuffix } from '../domain/slug.ts';
import type { ListingCache } from '../infra/listing-cache.ts';
import type { ProductCache } from '../infra/product-cache.ts';
import type { ProductRepository } from '../infra/product.repository.ts';
import type { CatalogScope } from './scope.ts';

export interface CreateProductCommand extends NewProductInput {
  vendorId?: string | null;
}
export interface UpdateProductCommand extends ProductPatchInput {
  id: string;
}
export interface SetProductStatusCommand {
  id: string;
  status: ProductStatus;
}
export interface AddVariantCommand {
  productId: string;
  variant: VariantInput;
}
export interface UpdateVariantCommand extends VariantPatchInput {
  id: string;
}
export interface VariantChange {
  product: Product;
  variant: ProductVariant;
}

const productNotFound = (field: string[]) => userError(CatalogErrorCodes.PRODUCT_NOT_FOUND, 'No product has this id.', field);

/** A unique index caught a race the service's checks could not see: report it like the check would have. */
function conflictError(conflict: 'SLUG_TAKEN' | 'SKU_TAKEN', field: string[]): UserError {
  return conflict === 'SKU_TAKEN'
    ? userError(CatalogErrorCodes.SKU_TAKEN, 'A SKU in this input was just taken by another variant.', field)
    : userError(CatalogErrorCodes.PRODUCT_SLUG_TAKEN, 'This slug was just taken by another product.', [...field, 'slug']);
}

/**
 * Every change to products. Order of checks: who is asking (thrown), which product (userError),
 * may they touch it (thrown), is the input valid (userErrors), then one write. Nothing is written
 * unless every check passes. After each write the product's cache entries are dropped and the
 * listing version is bumped, so no cached list (of any filter) shows the old state.
 */
export interface ProductService {
  /** A DRAFT for the caller's vendor (an admin names the vendor). */
  create(scope: CatalogScope, input: CreateProductCommand): Promise<Result<Product>>;
  update(scope: CatalogScope, input: UpdateProductCommand): Promise<Result<Product>>;
  /** One move of the product's lifecycle (domain/product.process.ts). */
  setStatus(scope: CatalogScope, input: SetProductStatusCommand): Promise<Result<Product>>;
  addVariant(scope: CatalogScope, input: AddVariantCommand): Promise<Result<VariantChange>>;
  updateVariant(scope: CatalogScope, input: UpdateVariantCommand): Promise<Result<VariantChange>>;
}

export interface ProductServiceDeps {
  products: ProductRepository;
  cache: ProductCache;
  listings: ListingCache;
}

export function createProductService(deps: ProductServiceDeps): ProductService {
  const logger = (scope: CatalogScope): Logger => scope.logger.child({ component: 'ProductService' });

  /** The product to change, read fresh from Postgres (never the cache), if the caller may edit it. */
  const editable = async (scope: CatalogScope, id: string, field: string[]): Promise<Result<Product>> => {
    // Customers and anonymous callers are refused before learning whether the product exists.
    valueOrThrow(canManageProducts(scope.viewer));
    const product = isUuid(id) ? await deps.products.findById(id) : null;
    if (!product) return fail(productNotFound(field));
    valueOrThrow(canEditProduct(scope.viewer, product));
    return ok(product);
  };

  const checkCategory = async (scope: CatalogScope, categoryId: string | null | undefined, field: string[]): Promise<UserError[]> => {
    if (!categoryId) return [];
    const category = await scope.loaders.categoryById.load(categoryId);
    return category ? [] : [userError(CatalogErrorCodes.CATEGORY_NOT_FOUND, 'No category has this id.', field)];
  };

  const checkSkus = async (skus: string[], fieldOf: (index: number) => string[], exceptVariantId: string | null = null): Promise<UserError[]> => {
    const taken = new Set(await deps.products.takenSkus(skus, exceptVariantId));
    return skus.flatMap((sku, index) =>
      taken.has(sku) ? [userError(CatalogErrorCodes.SKU_TAKEN, `The SKU ${sku} is already used by another variant.`, fieldOf(index))] : [],
    );
  };

  /** An explicit slug must be free; a derived one is made free with a short suffix from the id. */
  const chooseSlug = async (explicit: string | null, name: string, id: string): Promise<{ value: string; errors: UserError[] }> => {
    if (explicit) {
      const taken = await deps.products.slugTaken(explicit);
      return { value: explicit, errors: taken ? [userError(CatalogErrorCodes.PRODUCT_SLUG_TAKEN, 'Another product already uses this slug.', ['input', 'slug'])] : [] };
    }
    const base = slugify(name);
    if (base && !(await deps.products.slugTaken(base))) return { value: base, errors: [] };
    return { value: slugWithSuffix(base, id), errors: [] };
  };

  const forget = async (scope: CatalogScope, product: Product, newSlug?: string): Promise<void> => {
    await Promise.all([deps.cache.forget(product.id, newSlug ? [product.slug, newSlug] : [product.slug]), deps.listings.bumpVersion()]);
    scope.loaders.productById.clear(product.id);
  };

  const reload = async (scope: CatalogScope, id: string): Promise<Product> => {
    const product = await deps.products.findById(id);
    if (!product) throw new Error(`product ${id} vanished right after a write`);
    scope.loaders.productById.clear(id).prime(id, product);
    return product;
  };

  const reloadWithVariant = async (scope: CatalogScope, productId: string, variantId: string): Promise<VariantChange> => {
    const product = await reload(scope, productId);
    const variant = product.variants.find((candidate) => candidate.id === variantId);
    if (!variant) throw new Error(`variant ${variantId} vanished right after a write`);
    return { product, variant };
  };

  return {
    async create(scope, input) {
      const vendorId = valueOrThrow(vendorForNewProduct(scope.viewer, input.vendorId));
      const errors: UserError[] = [];
      if (!vendorId) errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'Name the vendor this product belongs to.', ['input', 'vendorId']));
      else if (!isUuid(vendorId)) errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'A vendor id is a UUID.', ['input', 'vendorId']));
      const valid = validateNewProduct(input);
      if (!valid.ok) errors.push(...valid.errors);
      if (errors.length > 0 || !valid.ok || !vendorId) return fail(...errors);
      const draft = valid.value;

      const id = randomUUID();
      const [categoryErrors, skuErrors, slug] = await Promise.all([
        checkCategory(scope, draft.categoryId, ['input', 'categoryId']),
        checkSkus(
          draft.variants.map((variant) => variant.sku),
          (index) => ['input', 'variants', String(index), 'sku'],
        ),
        chooseSlug(draft.slug, draft.name, id),
      ]);
      errors.push(...categoryErrors, ...skuErrors, ...slug.errors);
      if (errors.length > 0) return fail(...errors);

      const inserted = await deps.products.insert({
        id,
        vendorId,
        categoryId: draft.categoryId,
        name: draft.name,
        slug: slug.value,
        description: draft.description,
        status: 'DRAFT',
        imageUrls: draft.imageUrls,
        currency: draft.currency,
        variants: draft.variants.map((variant, position) => ({ ...variant, id: randomUUID(), position })),
      });
      if (!inserted.ok) return fail(...inserted.errors.map((conflict) => conflictError(conflict, ['input'])));
      // New products are drafts (in no public list), but listings are cheap to rebuild and a rule
      // that every write bumps the version cannot be forgotten by a later change to that default.
      await deps.listings.bumpVersion();
      logger(scope).info({ productId: id, vendorId }, 'product created');
      return ok(await reload(scope, id));
    },

    async update(scope, input) {
      const product = await editable(scope, input.id, ['input', 'id']);
      if (!product.ok) return product;
      const patch = validateProductPatch(input);
      if (!patch.ok) return patch;
      const changes = patch.value;
      const errors: UserError[] = [];
      if (changes.categoryId && changes.categoryId !== product.value.categoryId) {
        errors.push(...(await checkCategory(scope, changes.categoryId, ['input', 'categoryId'])));
      }
      if (changes.slug && changes.slug !== product.value.slug && (await deps.products.slugTaken(changes.slug, product.value.id))) {
        errors.push(userError(CatalogErrorCodes.PRODUCT_SLUG_TAKEN, 'Another product already uses this slug.', ['input', 'slug']));
      }
      if (errors.length > 0) return fail(...errors);
      const updated = await deps.products.update(product.value.id, changes);
      if (!updated.ok) return fail(...updated.errors.map((conflict) => conflictError(conflict, ['input'])));
      await forget(scope, product.value, changes.slug);
      logger(scope).info({ productId: product.value.id }, 'product updated');
      return ok(await reload(scope, product.value.id));
    },

    async setStatus(scope, input) {
      const product = await editable(scope, input.id, ['input', 'id']);
      if (!product.ok) return product;
      const move = moveProduct(product.value.status, input.status);
      if (!move.ok) return move;
      const moved = await deps.products.changeStatus(product.value.id, product.value.status, move.value);
      if (!moved) {
        return fail(
          userError(CatalogErrorCodes.PRODUCT_ILLEGAL_TRANSITION, 'The product changed status meanwhile; reload it and try again.', ['input', 'status']),
        );
      }
      await forget(scope, product.value);
      logger(scope).info({ productId: product.value.id, from: product.value.status, to: move.value }, 'product status changed');
      return ok(await reload(scope, product.value.id));
    },

    async addVariant(scope, input) {
      const product = await editable(scope, input.productId, ['input', 'productId']);
      if (!product.ok) return product;
      const field = ['input', 'variant'];
      const valid = validateVariant(input.variant, field);
      if (!valid.ok) return valid;
      const variant = checkVariantCurrency(valid.value, product.value.priceRange.min.currency, field);
      if (!variant.ok) return variant;
      const { position, count } = await deps.products.nextVariantPosition(product.value.id);
      if (count >= LIMITS.variants) {
        return fail(userError(ErrorCodes.VALIDATION_FAILED, `A product has at most ${LIMITS.variants} variants.`, field));
      }
      const skuErrors = await checkSkus([variant.value.sku], () => [...field, 'sku']);
      if (skuErrors.length > 0) return fail(...skuErrors);
      const id = randomUUID();
      const inserted = await deps.products.insertVariant(product.value.id, { ...variant.value, id, position });
      if (!inserted.ok) return fail(...inserted.errors.map((conflict) => conflictError(conflict, field)));
      await forget(scope, product.value);
      logger(scope).info({ productId: product.value.id, variantId: id }, 'variant added');
      return ok(await reloadWithVariant(scope, product.value.id, id));
    },

    async updateVariant(scope, input) {
      valueOrThrow(canManageProducts(scope.viewer));
      const notFound = fail(userError(CatalogErrorCodes.PRODUCT_VARIANT_NOT_FOUND, 'No product variant has this id.', ['input', 'id']));
      if (!isUuid(input.id)) return notFound;
      const [current] = await deps.products.findVariantsByIds([input.id]);
      if (!current) return notFound;
      const product = await editable(scope, current.productId, ['input', 'id']);
      if (!product.ok) return product;
      const { id: _id, ...patch } = input;
      const variant = validateVariantPatch(current, patch, product.value.priceRange.min.currency);
      if (!variant.ok) return variant;
      if (variant.value.sku !== current.sku) {
        const skuErrors = await checkSkus([variant.value.sku], () => ['input', 'sku'], current.id);
        if (skuErrors.length > 0) return fail(...skuErrors);
      }
      const updated = await deps.products.updateVariant(current.id, product.value.id, variant.value);
      if (!updated.ok) return fail(...updated.errors.map((conflict) => conflictError(conflict, ['input'])));
      await forget(scope, product.value);
      logger(scope).info({ productId: product.value.id, variantId: current.id }, 'variant updated');
      return ok(await reloadWithVariant(scope, product.value.id, current.id));
    },
  };
}
