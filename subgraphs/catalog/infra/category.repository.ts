import type { Category } from '../domain/category.ts';
import type { CatalogPrisma } from './prisma.ts';

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

export class CategoryRepository {
  constructor(private readonly prisma: CatalogPrisma) {}

  async findByIds(ids: readonly string[]): Promise<Category[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.category.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toCategory);
  }

  async findBySlug(slug: string): Promise<Category | null> {
    const row = await this.prisma.category.findUnique({ where: { slug } });
    return row ? toCategory(row) : null;
  }

  async slugTaken(slug: string): Promise<boolean> {
    return (await this.prisma.category.count({ where: { slug } })) > 0;
  }

  async roots(): Promise<Category[]> {
    const rows = await this.prisma.category.findMany({ where: { parentId: null }, orderBy: byName });
    return rows.map(toCategory);
  }

  /** Children of several parents in one query (for the per-request loader). */
  async childrenOf(parentIds: readonly string[]): Promise<Category[]> {
    if (parentIds.length === 0) return [];
    const rows = await this.prisma.category.findMany({ where: { parentId: { in: [...parentIds] } }, orderBy: byName });
    return rows.map(toCategory);
  }

  async insert(category: Omit<Category, 'createdAt'>): Promise<Category> {
    const row = await this.prisma.category.create({ data: category });
    return toCategory(row);
  }
}
