import {
  getNullableType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';

interface InputSlot {
  name: string;
  type: GraphQLInputType;
}

function withoutNullsIn(value: unknown, type: GraphQLInputType): unknown {
  if (value === null || typeof value !== 'object') return value;
  const named = getNullableType(type);
  if (isListType(named)) {
    const items = (value as unknown[]).map((item) => withoutNullsIn(item, named.ofType as GraphQLInputType));
    return items.some((item, i) => item !== (value as unknown[])[i]) ? items : value;
  }
  return isInputObjectType(named) ? withoutNulls(value as Record<string, unknown>, Object.values(named.getFields())) : value;
}

/** `values` without the explicit nulls of its nullable slots, at every depth; the same object when it had none. */
function withoutNulls(values: Record<string, unknown>, slots: readonly InputSlot[]): Record<string, unknown> {
  let out = values;
  for (const { name, type } of slots) {
    const value = values[name];
    const cleaned = value === null && !isNonNullType(type) ? undefined : withoutNullsIn(value, type);
    if (cleaned === value) continue;
    if (out === values) out = { ...values };
    if (cleaned === undefined) delete out[name];
    else out[name] = cleaned;
  }
  return out;
}

/** Whether a value of `type` can hold an explicit null anywhere inside (nullable slot, at any depth). */
function mayHoldNull(type: GraphQLInputType, seen = new Set<unknown>()): boolean {
  if (!isNonNullType(type)) return true;
  const named = getNullableType(type);
  if (isListType(named)) return mayHoldNull(named.ofType as GraphQLInputType, seen);
  if (!isInputObjectType(named) || seen.has(named)) return false;
  seen.add(named);
  return Object.values(named.getFields()).some((f) => mayHoldNull(f.type, seen));
}

/**
 * Makes an explicit `null` in any optional argument or input field mean "not given", the same as
 * leaving it out. Generated clients send every optional variable, as null when unset
 * (`products(filter: null)`); services read optional inputs as `T | undefined` and defaults
 * (`filter = {}`) only replace undefined, so a null used to reach them and fail as a 500 (issue 8).
 * No input of this API gives null a meaning of its own (nothing is cleared by sending null), and no
 * nullable argument has a default value to restore. Only fields with a nullable slot are wrapped;
 * both graphql-js and graphql-jit call the wrapped resolver.
 */
export function nullsAsAbsent(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.some((arg) => mayHoldNull(arg.type))) continue;
      const wrap = (inner: GraphQLFieldResolver<unknown, unknown> | undefined): GraphQLFieldResolver<unknown, unknown> | undefined =>
        inner && ((root, args, ctx, info) => inner(root, withoutNulls(args, field.args), ctx, info));
      field.resolve = wrap(field.resolve);
      field.subscribe = wrap(field.subscribe);
    }
  }
  return schema;
}
