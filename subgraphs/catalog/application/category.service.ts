import { randomUUID } from 'node:crypto';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { canManageCategories } from '../domain/access.ts';
import { placeCategory, validateNewCategory, type Category, type NewCategoryInput } from '../domain/category.ts';
import { CatalogErrorCodes } from '../domain/error-codes.ts';
import { lookupKey } from '../../../platform/ids/lookup-key.ts';
import { slugify, slugWithSuffix } from '../domain/slug.ts';
import type { CategoryRepository } from '../infra/category.repository.ts';
import type { CategoryFacetCount } from './catalog-query.service.ts';
import type { CatalogScope } from './scope.ts';

/** The category tree: public reads, admin-only growth. */
export interface CategoryService {
  /** The top-level categories, by name. */
  roots(scope: CatalogScope): Promise<Category[]>;
  /** `category(id | slug)`: exactly one key, else BAD_USER_INPUT. */
  category(scope: CatalogScope, args: { id?: string | null; slug?: string | null }): Promise<Category | null>;
  byId(scope: CatalogScope, id: string | null): Promise<Category | null>;
  /** The category a facet counts. Categories are never deleted, so a miss is an outage and throws. */
  facetCategory(scope: CatalogScope, facet: CategoryFacetCount): Promise<Category>;
  children(scope: CatalogScope, category: Category): Promise<Category[]>;
  /** Root first, the category itself last. */
  path(scope: CatalogScope, category: Category): Promise<Category[]>;
  /** Admins only (thrown otherwise); input problems come back as userErrors. */
  create(scope: CatalogScope, input: NewCategoryInput): Promise<Result<Category>>;
}

export function createCategoryService(deps: { categories: CategoryRepository }): CategoryService {
  return {
    roots: () => deps.categories.roots(),

    async category(scope, args) {
      const key = valueOrThrow(lookupKey(args, 'category'));
      if (key.by === 'id') return scope.loaders.categoryById.load(key.id);
      return deps.categories.findBySlug(key.slug);
    },

    byId: async (scope, id) => (id ? scope.loaders.categoryById.load(id) : null),

    async facetCategory(scope, facet) {
      const category = await scope.loaders.categoryById.load(facet.categoryId);
      if (!category) throw new Error(`facet names missing category ${facet.categoryId}`);
      return category;
    },

    children: (scope, category) => scope.loaders.categoryChildren.load(category.id),

    async path(scope, category) {
      const nodes = await scope.loaders.categoryById.loadMany(category.pathIds);
      return nodes.flatMap((node) => (node && !(node instanceof Error) ? [node] : []));
    },

    async create(scope, input) {
      valueOrThrow(canManageCategories(scope.viewer));
      const valid = validateNewCategory(input);
      if (!valid.ok) return valid;
      const { name, parentId } = valid.value;
      const parent = parentId ? await scope.loaders.categoryById.load(parentId) : null;
      if (parentId && !parent) return fail(userError(CatalogErrorCodes.CATEGORY_NOT_FOUND, 'No category has this id.', ['input', 'parentId']));
      const id = randomUUID();
      const placement = placeCategory(id, parent);
      if (!placement.ok) return placement;
      let slug = valid.value.slug;
      if (slug && (await deps.categories.slugTaken(slug))) {
        return fail(userError(CatalogErrorCodes.CATEGORY_SLUG_TAKEN, 'Another category already uses this slug.', ['input', 'slug']));
      }
      if (!slug) {
        const base = slugify(name);
        slug = base && !(await deps.categories.slugTaken(base)) ? base : slugWithSuffix(base, id);
      }
      const inserted = await deps.categories.insert({ id, name, slug, parentId, ...placement.value });
      if (!inserted.ok) {
        return fail(userError(CatalogErrorCodes.CATEGORY_SLUG_TAKEN, 'This slug was just taken by another category.', ['input', 'slug']));
      }
      scope.logger.child({ component: 'CategoryService' }).info({ categoryId: id, parentId }, 'category created');
      return ok(inserted.value);
    },
  };
}
