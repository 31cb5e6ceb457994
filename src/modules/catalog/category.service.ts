import { randomUUID } from 'node:crypto';
import type { Context } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { requireAdmin } from '../../auth/guards';
import { ErrorCode } from '../../core/errors';
import { idOf, requireIdOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { uniqueViolation } from '../../db/pg-errors';
import { CategoryEntity } from './catalog.entity';
import { CATEGORY_COLUMNS, toCategory, type CategoryRow } from './category.rows';
import type { Category } from './category.type';
import type { CategoryCreateInput, CategoryUpdateInput } from './catalog.inputs';

export async function findCategory(ctx: Context, by: { id?: string; slug?: string }): Promise<Category | null> {
  if (by.id) return ctx.loaders.categoryById.load(requireIdOf(by.id, 'Category'));
  const rows: CategoryRow[] = await ctx.db.query(`SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.slug = $1`, [by.slug]);
  return rows[0] ? toCategory(rows[0]) : null;
}

/** Root categories, or the children of `parentId`. */
export async function listCategories(ctx: Context, parentId?: string): Promise<Category[]> {
  if (parentId) return ctx.loaders.categoryChildren.load(requireIdOf(parentId, 'Category', 'parentId'));
  const rows: CategoryRow[] = await ctx.db.query(
    `SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.parent_id IS NULL ORDER BY c.position, c.name`,
  );
  return rows.map(toCategory);
}

/** Root first, ending with the category itself: breadcrumbs. */
export async function categoryAncestors(ctx: Context, category: Category): Promise<Category[]> {
  const ids = category.path.split('/');
  const found = await ctx.loaders.categoryById.loadMany(ids);
  return found.filter((c): c is Category => Boolean(c) && !(c instanceof Error));
}

function slugTaken(err: unknown, slug: string | undefined): never {
  if (uniqueViolation(err) !== null) fail('slug', `The slug "${slug}" is taken.`, ErrorCode.TAKEN);
  throw err;
}

/** The operator's taxonomy has at most this many categories: the bound the cost estimate counts trees by (server/cost.ts). */
export const MAX_CATEGORIES = 1000;

export async function createCategory(ctx: Context, input: CategoryCreateInput) {
  requireAdmin(ctx.viewer);
  const v = new Validator();
  v.text('slug', input.slug, { max: 120 });
  v.slug('slug', input.slug);
  v.text('name', input.name, { max: 120 });
  v.int('position', input.position, { min: 0, max: 1_000_000 });
  v.done();
  try {
    return await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      const [{ count }]: [{ count: number }] = await tx.query('SELECT count(*)::int AS count FROM category');
      if (count >= MAX_CATEGORIES) fail(null, `The catalog holds at most ${MAX_CATEGORIES} categories.`, ErrorCode.LIMIT_EXCEEDED);
      const id = randomUUID();
      let path = id;
      let parentId: string | null = null;
      if (input.parentId) {
        parentId = idOf(input.parentId, 'Category');
        if (!parentId) fail('parentId', 'parentId is not a valid Category ID.', ErrorCode.INVALID_ID);
        const parent = await tx.findOneBy(CategoryEntity, { id: parentId });
        if (!parent) fail('parentId', 'Parent category not found.', ErrorCode.NOT_FOUND);
        path = `${parent.path}/${id}`;
      }
      await tx.insert(CategoryEntity, { id, slug: input.slug, name: input.name.trim(), parentId, path, position: input.position });
      const rows: CategoryRow[] = await tx.query(`SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.id = $1`, [id]);
      return { category: toCategory(rows[0]!) };
    });
  } catch (err) {
    return slugTaken(err, input.slug);
  }
}

export async function updateCategory(ctx: Context, input: CategoryUpdateInput) {
  requireAdmin(ctx.viewer);
  const v = new Validator();
  v.slug('slug', input.slug);
  if (input.name != null) v.text('name', input.name, { max: 120 });
  v.int('position', input.position, { min: 0, max: 1_000_000 });
  v.done();
  const id = idOf(input.id, 'Category');
  if (!id) fail('id', 'id is not a valid Category ID.', ErrorCode.INVALID_ID);
  const changes: Partial<CategoryEntity> = {};
  if (input.slug != null) changes.slug = input.slug;
  if (input.name != null) changes.name = input.name.trim();
  if (input.position != null) changes.position = input.position;
  try {
    return await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      if (Object.keys(changes).length) {
        const result = await tx.update(CategoryEntity, { id }, changes);
        if (!result.affected) fail('id', 'Category not found.', ErrorCode.NOT_FOUND);
      }
      const rows: CategoryRow[] = await tx.query(`SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.id = $1`, [id]);
      if (!rows[0]) fail('id', 'Category not found.', ErrorCode.NOT_FOUND);
      return { category: toCategory(rows[0]) };
    });
  } catch (err) {
    return slugTaken(err, input.slug);
  }
}
