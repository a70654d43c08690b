import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { CatalogErrorCodes } from './error-codes.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { money, type Money } from '../../../platform/money/money.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { textError, textProblem, type TextKind } from '../../../platform/validation/text.ts';
import type { OptionValue, ProductVariant } from './product.ts';
import { isValidSlug, SLUG_MAX_LENGTH } from './slug.ts';

/** Input shapes as clients send them (the GraphQL inputs, without GraphQL). */
export interface MoneyInput {
  amount: number;
  currency: string;
}
export interface OptionInput {
  name: string;
  value: string;
}
export interface VariantInput {
  sku: string;
  title?: string | null;
  options?: OptionInput[] | null;
  price: MoneyInput;
  compareAtPrice?: MoneyInput | null;
}
export interface NewProductInput {
  name: string;
  slug?: string | null;
  description?: string | null;
  imageUrls?: string[] | null;
  categoryId?: string | null;
  variants: VariantInput[];
}
/** Omitted or null fields stay as they are. */
export interface ProductPatchInput {
  name?: string | null;
  slug?: string | null;
  description?: string | null;
  imageUrls?: string[] | null;
  categoryId?: string | null;
}
/** Omitted fields stay; `compareAtPrice: null` (explicitly) removes the "was" price. */
export interface VariantPatchInput {
  sku?: string | null;
  title?: string | null;
  options?: OptionInput[] | null;
  price?: MoneyInput | null;
  compareAtPrice?: MoneyInput | null;
}

export interface ValidVariant {
  sku: string;
  title: string | null;
  options: OptionValue[];
  price: Money;
  compareAtPrice: Money | null;
}
export interface ValidNewProduct {
  name: string;
  /** Null: derive one from the name. */
  slug: string | null;
  description: string;
  imageUrls: string[];
  categoryId: string | null;
  currency: string;
  variants: ValidVariant[];
}
export interface ValidProductPatch {
  name?: string;
  slug?: string;
  description?: string;
  imageUrls?: string[];
  categoryId?: string;
}

export const LIMITS = {
  name: 200,
  description: 10_000,
  images: 20,
  imageUrl: 2_048,
  variants: 100,
  options: 5,
  optionName: 40,
  optionValue: 80,
  variantTitle: 120,
  /** Well inside GraphQL's Int and Postgres' integer. */
  maxAmount: 1_000_000_000,
} as const;

/** Stock keeping units: letters, digits, dot, dash, underscore; stored upper-case so "ab-1" and "AB-1" clash. */
const SKU_PATTERN = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const normalizeSku = (sku: string): string => sku.trim().toUpperCase();

export function isKnownCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code);
}

const invalid = (message: string, field: string[]): UserError => userError(ErrorCodes.VALIDATION_FAILED, message, field);

function checkText(text: string, kind: TextKind, field: string[], what: string, errors: UserError[]): void {
  const error = textError(text, kind, field, what);
  if (error) errors.push(error);
}

function checkName(name: string, field: string[], errors: UserError[]): string {
  const trimmed = name.trim();
  if (!trimmed) errors.push(invalid('Enter a product name.', field));
  else if (trimmed.length > LIMITS.name) errors.push(invalid(`A product name has at most ${LIMITS.name} characters.`, field));
  else checkText(trimmed, 'line', field, 'The name', errors);
  return trimmed;
}

function checkSlug(slug: string, field: string[], errors: UserError[]): string {
  const trimmed = slug.trim();
  if (!isValidSlug(trimmed)) {
    errors.push(
      invalid(`A slug is 1–${SLUG_MAX_LENGTH} lower-case letters and digits in words joined by single hyphens, e.g. "linen-shirt".`, field),
    );
  }
  return trimmed;
}

function checkDescription(description: string, field: string[], errors: UserError[]): string {
  const trimmed = description.trim();
  if (trimmed.length > LIMITS.description) errors.push(invalid(`A description has at most ${LIMITS.description} characters.`, field));
  else checkText(trimmed, 'text', field, 'The description', errors);
  return trimmed;
}

function checkImageUrls(urls: string[], field: string[], errors: UserError[]): string[] {
  if (urls.length > LIMITS.images) errors.push(invalid(`A product has at most ${LIMITS.images} images.`, field));
  const result: string[] = [];
  urls.forEach((raw, index) => {
    const url = raw.trim();
    let parsed: URL | null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    // The URL parser would quietly percent-encode spaces and controls, but the text as sent is what is stored.
    const plain = textProblem(url, 'line') === null && !/\s/.test(url);
    if (!plain || !parsed || !['http:', 'https:'].includes(parsed.protocol) || url.length > LIMITS.imageUrl) {
      errors.push(invalid('An image URL must be an http(s) URL.', [...field, String(index)]));
    }
    result.push(url);
  });
  return result;
}

function checkCategoryId(categoryId: string, field: string[], errors: UserError[]): string {
  if (!isUuid(categoryId)) errors.push(userError(CatalogErrorCodes.CATEGORY_NOT_FOUND, 'No category has this id.', field));
  return categoryId;
}

function checkMoney(input: MoneyInput, field: string[], errors: UserError[]): Money | null {
  let good = true;
  if (!isKnownCurrency(input.currency)) {
    errors.push(invalid(`"${input.currency}" is not an ISO 4217 currency code (e.g. EUR).`, [...field, 'currency']));
    good = false;
  }
  if (!Number.isSafeInteger(input.amount) || input.amount < 0) {
    errors.push(invalid('A price is a whole, non-negative number of minor units (1999 = 19.99).', [...field, 'amount']));
    good = false;
  } else if (input.amount > LIMITS.maxAmount) {
    errors.push(invalid(`A price is at most ${LIMITS.maxAmount} minor units.`, [...field, 'amount']));
    good = false;
  }
  return good ? money(input.amount, input.currency) : null;
}

function checkOptions(options: OptionInput[], field: string[], errors: UserError[]): OptionValue[] {
  if (options.length > LIMITS.options) errors.push(invalid(`A variant has at most ${LIMITS.options} options.`, field));
  const seen = new Set<string>();
  return options.map((option, index) => {
    const name = option.name.trim();
    const value = option.value.trim();
    const at = [...field, String(index)];
    const nameError = textError(name, 'line', [...at, 'name'], 'The option name');
    if (!name || name.length > LIMITS.optionName) {
      errors.push(invalid(`An option name has 1–${LIMITS.optionName} characters.`, [...at, 'name']));
    } else if (nameError) {
      errors.push(nameError);
    } else if (seen.has(name.toLowerCase())) {
      errors.push(invalid(`The option "${name}" is given twice.`, [...at, 'name']));
    }
    seen.add(name.toLowerCase());
    if (!value || value.length > LIMITS.optionValue) {
      errors.push(invalid(`An option value has 1–${LIMITS.optionValue} characters.`, [...at, 'value']));
    } else {
      checkText(value, 'line', [...at, 'value'], 'The option value', errors);
    }
    return { name, value };
  });
}

function checkSku(sku: string, field: string[], errors: UserError[]): string {
  const normalized = normalizeSku(sku);
  if (!SKU_PATTERN.test(normalized)) {
    errors.push(invalid('A SKU has 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.', field));
  }
  return normalized;
}

function checkTitle(title: string | null | undefined, field: string[], errors: UserError[]): string | null {
  const trimmed = title?.trim() ?? '';
  if (trimmed.length > LIMITS.variantTitle) errors.push(invalid(`A variant title has at most ${LIMITS.variantTitle} characters.`, field));
  else checkText(trimmed, 'line', field, 'The title', errors);
  return trimmed || null;
}

/** A "was" price is in the price's currency and above it; otherwise it would not be a discount. */
function checkCompareAt(price: Money | null, compareAt: Money | null, field: string[], errors: UserError[]): void {
  if (!price || !compareAt) return;
  if (compareAt.currency !== price.currency) {
    errors.push(userError(CatalogErrorCodes.CURRENCY_MISMATCH, 'The compare-at price must be in the same currency as the price.', [...field, 'currency']));
  } else if (compareAt.amount <= price.amount) {
    errors.push(invalid('The compare-at price must be higher than the price.', [...field, 'amount']));
  }
}

export function validateVariant(input: VariantInput, field: string[]): Result<ValidVariant> {
  const errors: UserError[] = [];
  const sku = checkSku(input.sku, [...field, 'sku'], errors);
  const title = checkTitle(input.title, [...field, 'title'], errors);
  const options = checkOptions(input.options ?? [], [...field, 'options'], errors);
  const price = checkMoney(input.price, [...field, 'price'], errors);
  const compareAtPrice = input.compareAtPrice ? checkMoney(input.compareAtPrice, [...field, 'compareAtPrice'], errors) : null;
  checkCompareAt(price, compareAtPrice, [...field, 'compareAtPrice'], errors);
  if (errors.length > 0 || !price) return fail(...errors);
  return ok({ sku, title, options, price, compareAtPrice });
}

/** Every variant of a product is priced in one currency, so its price range and sorting make sense. */
function checkVariantList(variants: VariantInput[], field: string[], errors: UserError[]): { variants: ValidVariant[]; currency: string } {
  if (variants.length === 0) errors.push(invalid('A product needs at least one variant with a price.', field));
  if (variants.length > LIMITS.variants) errors.push(invalid(`A product has at most ${LIMITS.variants} variants.`, field));
  const valid: ValidVariant[] = [];
  const skus = new Map<string, number>();
  let currency: string | null = null;
  variants.forEach((input, index) => {
    const at = [...field, String(index)];
    const result = validateVariant(input, at);
    if (!result.ok) {
      errors.push(...result.errors);
      return;
    }
    const variant = result.value;
    if (skus.has(variant.sku)) {
      errors.push(userError(CatalogErrorCodes.SKU_TAKEN, `The SKU ${variant.sku} is used by another variant in this input.`, [...at, 'sku']));
    }
    skus.set(variant.sku, index);
    currency ??= variant.price.currency;
    if (variant.price.currency !== currency) {
      errors.push(
        userError(CatalogErrorCodes.CURRENCY_MISMATCH, `All variants of a product share one currency (${currency}).`, [...at, 'price', 'currency']),
      );
    }
    valid.push(variant);
  });
  return { variants: valid, currency: currency ?? '' };
}

export function validateNewProduct(input: NewProductInput, field: string[] = ['input']): Result<ValidNewProduct> {
  const errors: UserError[] = [];
  const name = checkName(input.name, [...field, 'name'], errors);
  const slug = input.slug != null ? checkSlug(input.slug, [...field, 'slug'], errors) : null;
  const description = checkDescription(input.description ?? '', [...field, 'description'], errors);
  const imageUrls = checkImageUrls(input.imageUrls ?? [], [...field, 'imageUrls'], errors);
  const categoryId = input.categoryId != null ? checkCategoryId(input.categoryId, [...field, 'categoryId'], errors) : null;
  const { variants, currency } = checkVariantList(input.variants, [...field, 'variants'], errors);
  if (errors.length > 0) return fail(...errors);
  return ok({ name, slug, description, imageUrls, categoryId, currency, variants });
}

export function validateProductPatch(input: ProductPatchInput, field: string[] = ['input']): Result<ValidProductPatch> {
  const errors: UserError[] = [];
  const patch: ValidProductPatch = {};
  if (input.name != null) patch.name = checkName(input.name, [...field, 'name'], errors);
  if (input.slug != null) patch.slug = checkSlug(input.slug, [...field, 'slug'], errors);
  if (input.description != null) patch.description = checkDescription(input.description, [...field, 'description'], errors);
  if (input.imageUrls != null) patch.imageUrls = checkImageUrls(input.imageUrls, [...field, 'imageUrls'], errors);
  if (input.categoryId != null) patch.categoryId = checkCategoryId(input.categoryId, [...field, 'categoryId'], errors);
  return errors.length > 0 ? fail(...errors) : ok(patch);
}

/**
 * The variant as it will be after the patch, validated whole (a new price can make the old
 * compare-at price invalid). Its currency must stay the product's.
 */
export function validateVariantPatch(
  current: ProductVariant,
  patch: VariantPatchInput,
  productCurrency: string,
  field: string[] = ['input'],
): Result<ValidVariant> {
  const merged: VariantInput = {
    sku: patch.sku ?? current.sku,
    title: patch.title !== undefined && patch.title !== null ? patch.title : current.title,
    options: patch.options ?? current.options,
    price: patch.price ?? current.price,
    compareAtPrice: patch.compareAtPrice === undefined ? current.compareAtPrice : patch.compareAtPrice,
  };
  const result = validateVariant(merged, field);
  if (!result.ok) return result;
  return checkVariantCurrency(result.value, productCurrency, field);
}

/** A variant added to or changed on an existing product keeps the product's currency. */
export function checkVariantCurrency(variant: ValidVariant, productCurrency: string, field: string[]): Result<ValidVariant> {
  if (variant.price.currency !== productCurrency) {
    return fail(
      userError(CatalogErrorCodes.CURRENCY_MISMATCH, `This product is priced in ${productCurrency}; its variants must be too.`, [
        ...field,
        'price',
        'currency',
      ]),
    );
  }
  return ok(variant);
}
