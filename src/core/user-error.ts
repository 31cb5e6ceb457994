import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ErrorCode } from './errors';

registerEnumType(ErrorCode, { name: 'UserErrorCode', description: 'Stable codes of expected failures.' });

@ObjectType({ simpleResolvers: true, description: 'An expected failure of a mutation, tied to an input field.' })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field, e.g. ["input", "price", "amount"].' })
  field!: string[] | null;

  @Field()
  message!: string;

  @Field(() => ErrorCode)
  code!: ErrorCode;
}

export function userError(field: string[] | string | null, message: string, code: ErrorCode): UserError {
  return { field: typeof field === 'string' ? ['input', field] : field, message, code };
}

/** Thrown inside a service transaction to roll back and surface as userErrors. */
export class UserErrors extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

export function fail(field: string[] | string | null, message: string, code: ErrorCode): never {
  throw new UserErrors([userError(field, message, code)]);
}
