import { DateTime } from '../../../platform/graphql/scalars.ts';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { addProductVariant } from './mutation/add-product-variant.ts';
import { createCategory } from './mutation/create-category.ts';
import { createProduct } from './mutation/create-product.ts';
import { setProductStatus } from './mutation/set-product-status.ts';
import { updateProductVariant } from './mutation/update-product-variant.ts';
import { updateProduct } from './mutation/update-product.ts';
import { categories } from './query/categories.ts';
import { category } from './query/category.ts';
import { myProducts } from './query/my-products.ts';
import { productFacets } from './query/product-facets.ts';
import { product } from './query/product.ts';
import { products } from './query/products.ts';
import { Category } from './types/category.ts';
import { CategoryFacet } from './types/category-facet.ts';
import { Money } from './types/money.ts';
import { ProductVariant } from './types/product-variant.ts';
import { Product } from './types/product.ts';
import { VendorFacet } from './types/vendor-facet.ts';
import { Vendor } from './types/vendor.ts';

/** The catalog's resolver map, typed by codegen against schema.graphql. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { products, product, myProducts, productFacets, categories, category },
  Mutation: { createProduct, updateProduct, setProductStatus, addProductVariant, updateProductVariant, createCategory },
  Product,
  ProductVariant,
  Money,
  Category,
  Vendor,
  CategoryFacet,
  VendorFacet,
};
