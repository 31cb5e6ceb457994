import { Field, ObjectType } from 'type-graphql';
import { UserError, UserErrors } from './user-error';

@ObjectType({ simpleResolvers: true })
export abstract class Payload {
  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  userErrors!: UserError[];
}

/** Runs a service call for a mutation payload: expected failures become `userErrors`, nothing is half-done. */
export async function payload<T extends object>(work: () => Promise<T>): Promise<Partial<T> & { userErrors: UserError[] }> {
  try {
    return { ...(await work()), userErrors: [] };
  } catch (err) {
    if (err instanceof UserErrors) return { userErrors: err.errors } as Partial<T> & { userErrors: UserError[] };
    throw err;
  }
}
