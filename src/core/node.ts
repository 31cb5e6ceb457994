import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType({
  description: 'An object with a global ID, refetchable with `node(id:)`.',
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global ID.' })
  id!: string;
}

/** Internal fields every API object carries next to its GraphQL fields. */
export interface NodeSource {
  __typename: string;
  /** The database uuid behind `id`. */
  uuid: string;
}
