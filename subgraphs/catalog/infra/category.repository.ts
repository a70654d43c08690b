import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { isUniqueViolationOn } from '../../../platform/prisma/unique-violation.ts';
import type { Category } from '../domain/category.ts';
import type { CatalogPrisma } from './prisma.ts';

export interface CategoryRepository {
  findByIds(ids: readonly string[]): Promise<Category[]>;
  findBySlug(slug: string): Promise<Category | null>;
  slugTaken(slug: string): Promise<boolean>;
  /** Top-level categories, by name. */
  roots(): Promise<Category[]>;
  /** Children of several parents in one query (for the per-request loader), by name. */
  childrenOf(parentIds: readonly string[]): Promise<Category[]>;
  /** SLUG_TAKEN when another category took the slug after the service checked it. */
  insert(category: Omit<Category, 'createdAt'>): Promise<Result<Category, 'SLUG_TAKEN'>>;
}

type CategoryRow = { id: string; name: string; slug: string; parentId: string | null; pathIds: string[]; depth: number; createdAt: Date };

const toCategory = (row: CategoryRow): Category => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  parentId: row.parentId,
  pathIds: row.pathIds,
  depth: row.depth,
  createdAt: row.createdAt,
});

const byName = [{ name: 'asc' as const }, { id: 'asc' as const }];

export function createCategoryRepository(db: CatalogPrisma): CategoryRepository {
  return {
    async findByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db.category.findMany({ where: { id: { in: [...ids] } } });
      return rows.map(toCategory);
    },

    async findBySlug(slug) {
      const row = await db.category.findUnique({ where: { slug } });
      return row ? toCategory(row) : null;
    },

    async slugTaken(slug) {
      return (await db.category.count({ where: { slug } })) > 0;
    },

    async roots() {
      const rows = await db.category.findMany({ where: { parentId: null }, orderBy: byName });
      return rows.map(toCategory);
    },

    async childrenOf(parentIds) {
      if (parentIds.length === 0) return [];
      const rows = await db.category.findMany({ where: { parentId: { in: [...parentIds] } }, orderBy: byName });
      return rows.map(toCategory);
    },

    async insert(category) {
      try {
        return ok(toCategory(await db.category.create({ data: category })));
      } catch (error) {
        if (isUniqueViolationOn(error, 'slug')) return fail('SLUG_TAKEN');
        throw error;
      }
    },
  };
}
