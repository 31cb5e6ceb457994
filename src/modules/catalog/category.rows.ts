import { toGlobalId } from '../../core/global-id';
import { jsonObject, selectList, type ColumnMap } from '../../db/column-map';
import type { Category } from './category.type';

export interface CategoryRow {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  path: string;
  position: number;
}

const categoryFields: ColumnMap<CategoryRow> = { id: 'id', slug: 'slug', name: 'name', parentId: 'parent_id', path: 'path', position: 'position' };

/** Selects a CategoryRow from `table`, each column aliased `${prefix}${field}` (for joins); `only`: those fields alone. */
export function categoryColumns(table: string, prefix = '', only?: readonly (keyof CategoryRow)[]): string {
  if (!only) return selectList(categoryFields, table, prefix);
  return only.map((field) => `${table}.${categoryFields[field]} AS "${prefix}${field}"`).join(', ');
}

/** The CategoryRow inside a joined row selected with `categoryColumns(table, prefix)`; null when the join found none. */
export function pickCategoryRow(row: Record<string, unknown>, prefix: string): CategoryRow | null {
  if (row[`${prefix}id`] == null) return null;
  // A loop, not Object.fromEntries over mapped pairs: a catalog page picks a category per product.
  const picked: Record<string, unknown> = {};
  for (const field in categoryFields) picked[field] = row[prefix + field];
  return picked as unknown as CategoryRow;
}

export const CATEGORY_COLUMNS = categoryColumns('c');

/**
 * The ids of the categories `ids` (an SQL uuid[] expression) and of every category below them: what a
 * category means wherever the catalog, search or a promotion names one. A path is its ids from the root.
 */
export const categoriesUnderSql = (ids: string) =>
  `SELECT sub.id FROM category sub JOIN category root ON root.id = ANY(${ids}) WHERE sub.path = root.path OR sub.path LIKE root.path || '/%'`;

/** A CategoryRow of `table` as one json column (every field a json type: it reads back as is), for statements whose rows are not all categories. */
export function categoryJson(table: string): string {
  return jsonObject(categoryFields, table);
}

export function toCategory(r: CategoryRow): Category {
  return {
    __typename: 'Category',
    id: toGlobalId('Category', r.id),
    uuid: r.id,
    parentUuid: r.parentId,
    path: r.path,
    slug: r.slug,
    name: r.name,
    position: r.position,
  };
}
