import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { CatalogErrorCodes } from '../domain/error-codes.ts';
import { badUserInput } from '../../../platform/errors/graphql-errors.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { placeCategory, validateNewCategory, type Category, type NewCategoryInput } from '../domain/category.ts';
import { lookupKey } from '../domain/lookup.ts';
import { canManageCategories } from '../domain/product-access.ts';
import { slugify, slugWithSuffix } from '../domain/slug.ts';
import type { CategoryRepository } from '../infra/category.repository.ts';
import { uniqueViolationOn } from '../infra/prisma.ts';
import { requireAccess } from './access.ts';
import type { CatalogLoaders } from './catalog-loaders.ts';

/** The category tree: public reads, admin-only growth. One instance per request. */
export class CategoryService {
  private childLogger: Logger | null = null;

  constructor(
    private readonly deps: { categories: CategoryRepository },
    private readonly scope: { viewer: Viewer | null; loaders: CatalogLoaders; logger: Logger },
  ) {}

  // Built on first use: every request gets this service, few write, and a pino child costs.
  private get logger(): Logger {
    this.childLogger ??= this.scope.logger.child({ component: 'CategoryService' });
    return this.childLogger;
  }

  roots(): Promise<Category[]> {
    return this.deps.categories.roots();
  }

  async category(args: { id?: string | null; slug?: string | null }): Promise<Category | null> {
    const key = lookupKey(args, 'category');
    if (!key.ok) throw badUserInput(key.message);
    if (key.value.by === 'id') return this.scope.loaders.categoryById.load(key.value.id);
    return this.deps.categories.findBySlug(key.value.slug);
  }

  byId(id: string | null): Promise<Category | null> {
    return id ? this.scope.loaders.categoryById.load(id) : Promise.resolve(null);
  }

  children(category: Category): Promise<Category[]> {
    return this.scope.loaders.categoryChildren.load(category.id);
  }

  /** Root first, the category itself last. */
  async path(category: Category): Promise<Category[]> {
    const nodes = await this.scope.loaders.categoryById.loadMany(category.pathIds);
    return nodes.flatMap((node) => (node && !(node instanceof Error) ? [node] : []));
  }

  async create(input: NewCategoryInput): Promise<Result<Category>> {
    requireAccess(canManageCategories(this.scope.viewer));
    const valid = validateNewCategory(input);
    if (!valid.ok) return valid;
    const { name, parentId } = valid.value;
    const parent = parentId ? await this.scope.loaders.categoryById.load(parentId) : null;
    if (parentId && !parent) return fail(userError(CatalogErrorCodes.CATEGORY_NOT_FOUND, 'No category has this id.', ['input', 'parentId']));
    const id = randomUUID();
    const placement = placeCategory(id, parent);
    if (!placement.ok) return placement;
    let slug = valid.value.slug;
    if (slug && (await this.deps.categories.slugTaken(slug))) {
      return fail(userError(CatalogErrorCodes.CATEGORY_SLUG_TAKEN, 'Another category already uses this slug.', ['input', 'slug']));
    }
    if (!slug) {
      const base = slugify(name);
      slug = base && !(await this.deps.categories.slugTaken(base)) ? base : slugWithSuffix(base, id);
    }
    try {
      const category = await this.deps.categories.insert({ id, name, slug, parentId, ...placement.value });
      this.logger.info({ categoryId: id, parentId }, 'category created');
      return ok(category);
    } catch (error) {
      if (uniqueViolationOn(error)?.includes('slug')) {
        return fail(userError(CatalogErrorCodes.CATEGORY_SLUG_TAKEN, 'This slug was just taken by another category.', ['input', 'slug']));
      }
      throw error;
    }
  }
}
