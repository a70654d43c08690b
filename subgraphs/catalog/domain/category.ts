import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { CatalogErrorCodes } from './error-codes.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { textError } from '../../../platform/validation/text.ts';
import { isValidSlug, SLUG_MAX_LENGTH } from './slug.ts';

/**
 * A node of the category tree. The tree only grows (no moves or deletes), so each category
 * stores its ancestry once: `pathIds` runs from the root down to the category itself, which makes
 * "this category and everything below it" one indexed lookup instead of a recursive query.
 */
export interface Category {
  id: string;
  name: string;
  slug: string;
  parentId: string | null;
  pathIds: string[];
  /** 0 for a root. */
  depth: number;
  createdAt: Date;
}

/** Deep enough for Fashion > Men > Shirts > Casual > Linen; deeper trees are hard to browse. */
export const MAX_CATEGORY_DEPTH = 5;
export const CATEGORY_NAME_MAX_LENGTH = 80;

export interface NewCategoryInput {
  name: string;
  slug?: string | null;
  parentId?: string | null;
}

export interface ValidNewCategory {
  name: string;
  /** Null: derive from the name. */
  slug: string | null;
  parentId: string | null;
}

export function validateNewCategory(input: NewCategoryInput, field: string[] = ['input']): Result<ValidNewCategory> {
  const errors: UserError[] = [];
  const name = input.name.trim();
  const nameError = textError(name, 'line', [...field, 'name'], 'The name');
  if (!name || name.length > CATEGORY_NAME_MAX_LENGTH) {
    errors.push(userError(ErrorCodes.VALIDATION_FAILED, `A category name has 1–${CATEGORY_NAME_MAX_LENGTH} characters.`, [...field, 'name']));
  } else if (nameError) {
    errors.push(nameError);
  }
  const slug = input.slug != null ? input.slug.trim() : null;
  if (slug !== null && !isValidSlug(slug)) {
    errors.push(
      userError(ErrorCodes.VALIDATION_FAILED, `A slug is 1–${SLUG_MAX_LENGTH} lower-case letters and digits joined by single hyphens.`, [
        ...field,
        'slug',
      ]),
    );
  }
  const parentId = input.parentId ?? null;
  if (parentId !== null && !isUuid(parentId)) {
    errors.push(userError(CatalogErrorCodes.CATEGORY_NOT_FOUND, 'No category has this id.', [...field, 'parentId']));
  }
  return errors.length > 0 ? fail(...errors) : ok({ name, slug, parentId });
}

/** Where a new category sits: below `parent` (or at the root), within the depth limit. */
export function placeCategory(
  id: string,
  parent: Pick<Category, 'pathIds' | 'depth'> | null,
  field: string[] = ['input', 'parentId'],
): Result<{ pathIds: string[]; depth: number }> {
  if (!parent) return ok({ pathIds: [id], depth: 0 });
  const depth = parent.depth + 1;
  if (depth >= MAX_CATEGORY_DEPTH) {
    return fail(userError(ErrorCodes.VALIDATION_FAILED, `Categories nest at most ${MAX_CATEGORY_DEPTH} levels deep.`, field));
  }
  return ok({ pathIds: [...parent.pathIds, id], depth });
}
