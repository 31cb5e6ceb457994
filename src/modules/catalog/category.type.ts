import { Field, Int, ObjectType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';

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
