import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { badInput } from '../core/errors';

/** Deeper than any input object of the schema nests; JSON scalars (plugin configs, attributes) stay within it. */
export const MAX_INPUT_DEPTH = 32;
/** Values in one field's arguments, all depths together: far above any real input, far below a slow walk. */
export const MAX_INPUT_VALUES = 20_000;

const NUMERIC: ReadonlySet<unknown> = new Set([GraphQLInt, GraphQLFloat, GraphQLBoolean]);

/** Whether a value of `type` can hold text: any scalar but Int, Float and Boolean (ID, String, JSON, dates…). */
function mayHoldText(type: GraphQLInputType, seen = new Set<unknown>()): boolean {
  const named = getNamedType(type);
  if (isEnumType(named) || NUMERIC.has(named)) return false;
  if (isScalarType(named)) return true;
  if (!isInputObjectType(named) || seen.has(named)) return false;
  seen.add(named);
  return Object.values(named.getFields()).some((f) => mayHoldText(f.type, seen));
}

/**
 * Why `args` cannot go further, or null. A loop over a stack, not recursion: a JSON scalar a client
 * nested 100,000 deep must not overflow the call stack here.
 */
function refusal(args: Record<string, unknown>): { message: string; field: string } | null {
  const stack: [unknown, string, number][] = Object.entries(args).map(([k, v]) => [v, k, 1]);
  let count = 0;
  while (stack.length) {
    const [value, path, depth] = stack.pop()!;
    if (++count > MAX_INPUT_VALUES) return { message: `The arguments hold more than ${MAX_INPUT_VALUES} values.`, field: path };
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { message: `${path} must not contain the NUL character (\\u0000).`, field: path };
      continue;
    }
    if (value === null || typeof value !== 'object' || value instanceof Date) continue;
    if (depth >= MAX_INPUT_DEPTH) return { message: `${path} is nested deeper than ${MAX_INPUT_DEPTH} levels.`, field: path };
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push([value[i], `${path}.${i}`, depth + 1]);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key.includes('\u0000')) return { message: `${path} has a key with the NUL character (\\u0000).`, field: path };
      stack.push([(value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1]);
    }
  }
  return null;
}

/** Whether `value` (raw JSON) holds more than `limit` values, containers included; a walk of at most `limit` steps. */
function holdsMoreThan(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  let count = 0;
  while (stack.length) {
    const next = stack.pop();
    if (++count > limit) return true;
    if (next === null || typeof next !== 'object') continue;
    for (const item of Array.isArray(next) ? next : Object.values(next)) stack.push(item);
  }
  return false;
}

/**
 * A declared variable too big for any field to take, refused before the variables are coerced (twice: for the
 * cost, then for execution) and walked: the field using it would refuse its arguments anyway (more than
 * MAX_INPUT_VALUES values). A customer's 1 MB eventsTrack cost ~300 ms of CPU before the field said so.
 */
export function oversizedVariable(operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>> | null | undefined): GraphQLError | null {
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables && holdsMoreThan(variables[name], MAX_INPUT_VALUES)) {
      return new GraphQLError(`The variable $${name.slice(0, 100)} holds more than ${MAX_INPUT_VALUES} values.`, { nodes: [definition], extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  return null;
}

/**
 * Refuses, before any resolver runs, argument values that PostgreSQL or our code cannot take, as
 * BAD_USER_INPUT (issue 9): a NUL byte in any text or JSON key (PostgreSQL refuses \0 in `text` and
 * `jsonb`, and answered 500), and values nested deeper than MAX_INPUT_DEPTH or more than
 * MAX_INPUT_VALUES of them (a deep JSON scalar overflowed the stack of every recursive walker after
 * it). Only fields with an argument that can hold text are wrapped, so Int-only arguments such as
 * `listings(first:)` cost nothing; both graphql-js and graphql-jit call the wrapped resolver.
 */
export function checkInputs(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.some((arg) => mayHoldText(arg.type) || isListType(getNullableType(arg.type)))) continue;
      const wrap = (inner: GraphQLFieldResolver<unknown, unknown> | undefined): GraphQLFieldResolver<unknown, unknown> | undefined =>
        inner &&
        ((root, args, ctx, info) => {
          const refused = refusal(args);
          if (refused) throw badInput(refused.message.slice(0, 300), refused.field.slice(0, 200));
          return inner(root, args, ctx, info);
        });
      field.resolve = wrap(field.resolve);
      field.subscribe = wrap(field.subscribe);
    }
  }
  return schema;
}
