import { Field, Int, ObjectType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';
import { toGlobalId } from '../../core/global-id';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A node of the category tree.' })
export class Category extends Node implements NodeSource {
  __typename!: 'Category';
  uuid!: string;
  parentUuid!: string | null;
  path!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  position!: number;
}

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
