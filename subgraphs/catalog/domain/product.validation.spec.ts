import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { CatalogErrorCodes } from './error-codes.ts';
import { money } from '../../../platform/money/money.ts';
import type { ProductVariant } from './product.ts';
import {
  LIMITS,
  validateNewProduct,
  validateProductPatch,
  validateVariantPatch,
  type NewProductInput,
  type VariantInput,
} from './product.validation.ts';

const variant = (overrides: Partial<VariantInput> = {}): VariantInput => ({
  sku: 'aur-1',
  options: [{ name: 'Colour', value: 'Black' }],
  price: { amount: 9999, currency: 'EUR' },
  ...overrides,
});
const product = (overrides: Partial<NewProductInput> = {}): NewProductInput => ({
  name: '  Aurora Headphones ',
  variants: [variant()],
  ...overrides,
});

function errorsOf(result: { ok: boolean; errors?: unknown }) {
  expect(result.ok).toBe(false);
  return (result as { errors: { code: string; field: string[] | null }[] }).errors;
}

describe('validateNewProduct', () => {
  it('accepts a good product, trimming text and upper-casing SKUs', () => {
    const result = validateNewProduct(product({ imageUrls: ['https://images.example.com/a.jpg'], description: ' Great ' }));
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'Aurora Headphones',
        slug: null,
        description: 'Great',
        imageUrls: ['https://images.example.com/a.jpg'],
        categoryId: null,
        currency: 'EUR',
        variants: [{ sku: 'AUR-1', title: null, options: [{ name: 'Colour', value: 'Black' }], price: money(9999, 'EUR'), compareAtPrice: null }],
      },
    });
  });

  it('refuses an empty name', () => {
    expect(errorsOf(validateNewProduct(product({ name: '   ' })))).toEqual([
      expect.objectContaining({ code: ErrorCodes.VALIDATION_FAILED, field: ['input', 'name'] }),
    ]);
  });

  it.each(['EURO', 'eur', 'XYZ', ''])('refuses the currency %j', (currency) => {
    expect(errorsOf(validateNewProduct(product({ variants: [variant({ price: { amount: 100, currency } })] })))).toEqual([
      expect.objectContaining({ code: ErrorCodes.VALIDATION_FAILED, field: ['input', 'variants', '0', 'price', 'currency'] }),
    ]);
  });

  it.each([-1, 1.5, LIMITS.maxAmount + 1])('refuses the amount %s', (amount) => {
    expect(errorsOf(validateNewProduct(product({ variants: [variant({ price: { amount, currency: 'EUR' } })] })))).toEqual([
      expect.objectContaining({ code: ErrorCodes.VALIDATION_FAILED, field: ['input', 'variants', '0', 'price', 'amount'] }),
    ]);
  });

  it('accepts a free (zero-priced) variant', () => {
    expect(validateNewProduct(product({ variants: [variant({ price: { amount: 0, currency: 'EUR' } })] })).ok).toBe(true);
  });

  it('refuses a product without variants', () => {
    expect(errorsOf(validateNewProduct(product({ variants: [] })))).toEqual([
      expect.objectContaining({ field: ['input', 'variants'] }),
    ]);
  });

  it('reports a SKU repeated in the input as SKU_TAKEN on the repeat (case-insensitively)', () => {
    const errors = errorsOf(validateNewProduct(product({ variants: [variant({ sku: 'x-1' }), variant({ sku: 'X-1' })] })));
    expect(errors).toEqual([expect.objectContaining({ code: CatalogErrorCodes.SKU_TAKEN, field: ['input', 'variants', '1', 'sku'] })]);
  });

  it('refuses variants in different currencies', () => {
    const errors = errorsOf(
      validateNewProduct(product({ variants: [variant({ sku: 'a' }), variant({ sku: 'b', price: { amount: 5, currency: 'USD' } })] })),
    );
    expect(errors).toEqual([expect.objectContaining({ code: CatalogErrorCodes.CURRENCY_MISMATCH, field: ['input', 'variants', '1', 'price', 'currency'] })]);
  });

  it('requires a compare-at price above the price, in its currency', () => {
    const low = errorsOf(validateNewProduct(product({ variants: [variant({ compareAtPrice: { amount: 9999, currency: 'EUR' } })] })));
    expect(low).toEqual([expect.objectContaining({ field: ['input', 'variants', '0', 'compareAtPrice', 'amount'] })]);
    const foreign = errorsOf(validateNewProduct(product({ variants: [variant({ compareAtPrice: { amount: 20000, currency: 'USD' } })] })));
    expect(foreign).toEqual([expect.objectContaining({ code: CatalogErrorCodes.CURRENCY_MISMATCH })]);
  });

  it('reports every problem at once', () => {
    const errors = errorsOf(
      validateNewProduct({
        name: '',
        slug: 'Not A Slug',
        imageUrls: ['ftp://x', 'notaurl'],
        categoryId: 'nope',
        variants: [{ sku: '!!', price: { amount: -5, currency: 'EURO' }, options: [{ name: 'Size', value: '' }, { name: 'size', value: 'M' }] }],
      }),
    );
    expect(errors.map((e) => e.field?.join('.'))).toEqual([
      'input.name',
      'input.slug',
      'input.imageUrls.0',
      'input.imageUrls.1',
      'input.categoryId',
      'input.variants.0.sku',
      'input.variants.0.options.0.value',
      'input.variants.0.options.1.name',
      'input.variants.0.price.currency',
      'input.variants.0.price.amount',
    ]);
    expect(errors.find((e) => e.field?.join('.') === 'input.categoryId')?.code).toBe(CatalogErrorCodes.CATEGORY_NOT_FOUND);
  });

  it('refuses text PostgreSQL cannot store or that hides what it says, at each field', () => {
    const errors = errorsOf(
      validateNewProduct({
        name: 'Lamp\u0000',
        description: 'Bright\uD800',
        imageUrls: ['https://images.example.com/a\u0000.jpg', 'https://images.example.com/a b.jpg', 'https://images.example.com/\uDC00.jpg'],
        variants: [variant({ title: '\u202Egnp.exe', options: [{ name: '\u200B', value: 'M\u0007' }] })],
      }),
    );
    expect(errors.map((e) => [e.code, e.field?.join('.')])).toEqual([
      ['VALIDATION_FAILED', 'input.name'],
      ['VALIDATION_FAILED', 'input.description'],
      ['VALIDATION_FAILED', 'input.imageUrls.0'],
      ['VALIDATION_FAILED', 'input.imageUrls.1'],
      ['VALIDATION_FAILED', 'input.imageUrls.2'],
      ['VALIDATION_FAILED', 'input.variants.0.title'],
      ['VALIDATION_FAILED', 'input.variants.0.options.0.name'],
      ['VALIDATION_FAILED', 'input.variants.0.options.0.value'],
    ]);
    // Line breaks belong in a description.
    expect(validateNewProduct(product({ description: 'Warm light.\n\nDimmable.' })).ok).toBe(true);
  });

  it('bounds the number of variants and images', () => {
    const many = Array.from({ length: LIMITS.variants + 1 }, (_, i) => variant({ sku: `s-${i}` }));
    expect(errorsOf(validateNewProduct(product({ variants: many })))[0]?.field).toEqual(['input', 'variants']);
    const images = Array.from({ length: LIMITS.images + 1 }, (_, i) => `https://x.example/${i}.jpg`);
    expect(errorsOf(validateNewProduct(product({ imageUrls: images })))[0]?.field).toEqual(['input', 'imageUrls']);
  });
});

describe('validateProductPatch', () => {
  it('keeps only the given fields', () => {
    expect(validateProductPatch({ name: ' New ', slug: null })).toEqual({ ok: true, value: { name: 'New' } });
  });
  it('refuses a name made only of invisible characters and a description with a NUL', () => {
    expect(errorsOf(validateProductPatch({ name: '\u3164\u200B', description: 'a\u0000' })).map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'description'],
    ]);
  });
  it('refuses an emptied name and a bad slug', () => {
    expect(errorsOf(validateProductPatch({ name: '', slug: 'UPPER' })).map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'slug'],
    ]);
  });
});

describe('validateVariantPatch', () => {
  const current: ProductVariant = {
    id: randomUUID(),
    productId: randomUUID(),
    sku: 'AUR-1',
    title: 'Black',
    options: [{ name: 'Colour', value: 'Black' }],
    price: money(5000, 'EUR'),
    compareAtPrice: money(6000, 'EUR'),
    position: 0,
  };
  it('merges the patch onto the current variant', () => {
    expect(validateVariantPatch(current, { price: { amount: 4500, currency: 'EUR' } }, 'EUR')).toMatchObject({
      ok: true,
      value: { sku: 'AUR-1', price: money(4500, 'EUR'), compareAtPrice: money(6000, 'EUR') },
    });
  });
  it('checks the merged result: a new price above the old compare-at price fails', () => {
    expect(errorsOf(validateVariantPatch(current, { price: { amount: 7000, currency: 'EUR' } }, 'EUR'))[0]?.field).toEqual([
      'input',
      'compareAtPrice',
      'amount',
    ]);
  });
  it('removes the compare-at price on an explicit null', () => {
    expect(validateVariantPatch(current, { compareAtPrice: null, price: { amount: 7000, currency: 'EUR' } }, 'EUR')).toMatchObject({
      ok: true,
      value: { compareAtPrice: null },
    });
  });
  it("keeps the product's currency", () => {
    expect(errorsOf(validateVariantPatch(current, { price: { amount: 10, currency: 'USD' }, compareAtPrice: null }, 'EUR'))[0]?.code).toBe(
      CatalogErrorCodes.CURRENCY_MISMATCH,
    );
  });
});
