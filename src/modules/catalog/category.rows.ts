import { toGlobalId } from '../../core/global-id';
import type { Category } from './category.type';

export interface CategoryRow {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  path: string;
  position: number;
}

export const CATEGORY_COLUMNS = `c.id, c.slug, c.name, c.parent_id AS "parentId", c.path, c.position`;

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
