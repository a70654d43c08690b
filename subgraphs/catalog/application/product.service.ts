import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { CatalogErrorCodes } from '../domain/error-codes.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { canEditProduct, canManageProducts, vendorForNewProduct } from '../domain/product-access.ts';
import { moveProduct } from '../domain/product.process.ts';
import { isUuid, type Product, type ProductStatus, type ProductVariant } from '../domain/product.ts';
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
import { uniqueViolationOn } from '../infra/prisma.ts';
import type { ListingCache } from '../infra/listing-cache.ts';
import type { ProductCache } from '../infra/product-cache.ts';
import type { ProductRepository } from '../infra/product.repository.ts';
import { requireAccess } from './access.ts';
import type { CatalogLoaders } from './catalog-loaders.ts';

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

/**
 * Every change to products. Order of checks: who is asking (thrown), which product (userError),
 * may they touch it (thrown), is the input valid (userErrors), then one write. Nothing is written
 * unless every check passes. After each write the product's cache entries are dropped and the
 * listing version is bumped, so no cached list (of any filter) shows the old state.
 */
export class ProductService {
  private childLogger: Logger | null = null;

  constructor(
    private readonly deps: { products: ProductRepository; cache: ProductCache; listings: ListingCache },
    private readonly scope: { viewer: Viewer | null; loaders: CatalogLoaders; logger: Logger },
  ) {}

  // Built on first use: every request gets this service, few write, and a pino child costs.
  private get logger(): Logger {
    this.childLogger ??= this.scope.logger.child({ component: 'ProductService' });
    return this.childLogger;
  }

  async create(input: CreateProductCommand): Promise<Result<Product>> {
    const vendorId = requireAccess(vendorForNewProduct(this.scope.viewer, input.vendorId));
    const errors: UserError[] = [];
    if (!vendorId) errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'Name the vendor this product belongs to.', ['input', 'vendorId']));
    else if (!isUuid(vendorId)) errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'A vendor id is a UUID.', ['input', 'vendorId']));
    const valid = validateNewProduct(input);
    if (!valid.ok) errors.push(...valid.errors);
    if (errors.length > 0 || !valid.ok || !vendorId) return fail(...errors);
    const draft = valid.value;

    const id = randomUUID();
    const [categoryErrors, skuErrors, slug] = await Promise.all([
      this.checkCategory(draft.categoryId, ['input', 'categoryId']),
      this.checkSkus(draft.variants.map((variant) => variant.sku), (index) => ['input', 'variants', String(index), 'sku']),
      this.chooseSlug(draft.slug, draft.name, id),
    ]);
    errors.push(...categoryErrors, ...skuErrors, ...slug.errors);
    if (errors.length > 0) return fail(...errors);

    try {
      await this.deps.products.insert({
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
    } catch (error) {
      return this.conflict(error, ['input']);
    }
    // New products are drafts (in no public list), but listings are cheap to rebuild and a rule
    // that every write bumps the version cannot be forgotten by a later change to that default.
    await this.deps.listings.bumpVersion();
    this.logger.info({ productId: id, vendorId }, 'product created');
    return ok(await this.reload(id));
  }

  async update(input: UpdateProductCommand): Promise<Result<Product>> {
    const product = await this.editable(input.id, ['input', 'id']);
    if (!product.ok) return product;
    const patch = validateProductPatch(input);
    if (!patch.ok) return patch;
    const changes = patch.value;
    const errors: UserError[] = [];
    if (changes.categoryId && changes.categoryId !== product.value.categoryId) {
      errors.push(...(await this.checkCategory(changes.categoryId, ['input', 'categoryId'])));
    }
    if (changes.slug && changes.slug !== product.value.slug && (await this.deps.products.slugTaken(changes.slug, product.value.id))) {
      errors.push(userError(CatalogErrorCodes.PRODUCT_SLUG_TAKEN, 'Another product already uses this slug.', ['input', 'slug']));
    }
    if (errors.length > 0) return fail(...errors);
    try {
      await this.deps.products.update(product.value.id, changes);
    } catch (error) {
      return this.conflict(error, ['input']);
    }
    await this.forget(product.value, changes.slug);
    this.logger.info({ productId: product.value.id }, 'product updated');
    return ok(await this.reload(product.value.id));
  }

  async setStatus(input: SetProductStatusCommand): Promise<Result<Product>> {
    const product = await this.editable(input.id, ['input', 'id']);
    if (!product.ok) return product;
    const move = moveProduct(product.value.status, input.status);
    if (!move.ok) return move;
    const moved = await this.deps.products.changeStatus(product.value.id, product.value.status, move.value);
    if (!moved) {
      return fail(
        userError(CatalogErrorCodes.PRODUCT_ILLEGAL_TRANSITION, 'The product changed status meanwhile; reload it and try again.', ['input', 'status']),
      );
    }
    await this.forget(product.value);
    this.logger.info({ productId: product.value.id, from: product.value.status, to: move.value }, 'product status changed');
    return ok(await this.reload(product.value.id));
  }

  async addVariant(input: AddVariantCommand): Promise<Result<VariantChange>> {
    const product = await this.editable(input.productId, ['input', 'productId']);
    if (!product.ok) return product;
    const field = ['input', 'variant'];
    const valid = validateVariant(input.variant, field);
    if (!valid.ok) return valid;
    const variant = checkVariantCurrency(valid.value, product.value.priceRange.min.currency, field);
    if (!variant.ok) return variant;
    const { position, count } = await this.deps.products.nextVariantPosition(product.value.id);
    if (count >= LIMITS.variants) {
      return fail(userError(ErrorCodes.VALIDATION_FAILED, `A product has at most ${LIMITS.variants} variants.`, field));
    }
    const skuErrors = await this.checkSkus([variant.value.sku], () => [...field, 'sku']);
    if (skuErrors.length > 0) return fail(...skuErrors);
    const id = randomUUID();
    try {
      await this.deps.products.insertVariant(product.value.id, { ...variant.value, id, position });
    } catch (error) {
      return this.conflict(error, field);
    }
    await this.forget(product.value);
    this.logger.info({ productId: product.value.id, variantId: id }, 'variant added');
    return ok(await this.reloadWithVariant(product.value.id, id));
  }

  async updateVariant(input: UpdateVariantCommand): Promise<Result<VariantChange>> {
    requireAccess(canManageProducts(this.scope.viewer));
    const notFound = fail(userError(CatalogErrorCodes.PRODUCT_VARIANT_NOT_FOUND, 'No product variant has this id.', ['input', 'id']));
    if (!isUuid(input.id)) return notFound;
    const [current] = await this.deps.products.findVariantsByIds([input.id]);
    if (!current) return notFound;
    const product = await this.editable(current.productId, ['input', 'id']);
    if (!product.ok) return product;
    const { id: _id, ...patch } = input;
    const variant = validateVariantPatch(current, patch, product.value.priceRange.min.currency);
    if (!variant.ok) return variant;
    if (variant.value.sku !== current.sku) {
      const skuErrors = await this.checkSkus([variant.value.sku], () => ['input', 'sku'], current.id);
      if (skuErrors.length > 0) return fail(...skuErrors);
    }
    try {
      await this.deps.products.updateVariant(current.id, product.value.id, variant.value);
    } catch (error) {
      return this.conflict(error, ['input']);
    }
    await this.forget(product.value);
    this.logger.info({ productId: product.value.id, variantId: current.id }, 'variant updated');
    return ok(await this.reloadWithVariant(product.value.id, current.id));
  }

  /** The product to change, read fresh from Postgres (never the cache), if the caller may edit it. */
  private async editable(id: string, field: string[]): Promise<Result<Product>> {
    // Customers and anonymous callers are refused before learning whether the product exists.
    requireAccess(canManageProducts(this.scope.viewer));
    const product = isUuid(id) ? await this.deps.products.findById(id) : null;
    if (!product) return fail(productNotFound(field));
    requireAccess(canEditProduct(this.scope.viewer, product));
    return ok(product);
  }

  private async checkCategory(categoryId: string | null | undefined, field: string[]): Promise<UserError[]> {
    if (!categoryId) return [];
    const category = await this.scope.loaders.categoryById.load(categoryId);
    return category ? [] : [userError(CatalogErrorCodes.CATEGORY_NOT_FOUND, 'No category has this id.', field)];
  }

  private async checkSkus(skus: string[], fieldOf: (index: number) => string[], exceptVariantId: string | null = null): Promise<UserError[]> {
    const taken = new Set(await this.deps.products.takenSkus(skus, exceptVariantId));
    return skus.flatMap((sku, index) =>
      taken.has(sku) ? [userError(CatalogErrorCodes.SKU_TAKEN, `The SKU ${sku} is already used by another variant.`, fieldOf(index))] : [],
    );
  }

  /** An explicit slug must be free; a derived one is made free with a short suffix from the id. */
  private async chooseSlug(explicit: string | null, name: string, id: string): Promise<{ value: string; errors: UserError[] }> {
    if (explicit) {
      const taken = await this.deps.products.slugTaken(explicit);
      return { value: explicit, errors: taken ? [userError(CatalogErrorCodes.PRODUCT_SLUG_TAKEN, 'Another product already uses this slug.', ['input', 'slug'])] : [] };
    }
    const base = slugify(name);
    if (base && !(await this.deps.products.slugTaken(base))) return { value: base, errors: [] };
    return { value: slugWithSuffix(base, id), errors: [] };
  }

  /** A unique index caught a race the checks above could not see: report it like the check would have. */
  private conflict<T>(error: unknown, field: string[]): Result<T> {
    const columns = uniqueViolationOn(error);
    if (columns?.includes('sku')) return fail(userError(CatalogErrorCodes.SKU_TAKEN, 'A SKU in this input was just taken by another variant.', field));
    if (columns?.includes('slug')) return fail(userError(CatalogErrorCodes.PRODUCT_SLUG_TAKEN, 'This slug was just taken by another product.', [...field, 'slug']));
    throw error;
  }

  private async forget(product: Product, newSlug?: string): Promise<void> {
    await Promise.all([
      this.deps.cache.invalidate(product.id, newSlug ? [product.slug, newSlug] : [product.slug]),
      this.deps.listings.bumpVersion(),
    ]);
    this.scope.loaders.productById.clear(product.id);
  }

  private async reload(id: string): Promise<Product> {
    const product = await this.deps.products.findById(id);
    if (!product) throw new Error(`product ${id} vanished right after a write`);
    this.scope.loaders.productById.clear(id).prime(id, product);
    return product;
  }

  private async reloadWithVariant(productId: string, variantId: string): Promise<VariantChange> {
    const product = await this.reload(productId);
    const variant = product.variants.find((candidate) => candidate.id === variantId);
    if (!variant) throw new Error(`variant ${variantId} vanished right after a write`);
    return { product, variant };
  }
}
