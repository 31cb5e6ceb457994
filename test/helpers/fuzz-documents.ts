import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/** mulberry32: a small seeded PRNG, so a fuzz run is the same run every time. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}

export type Rng = ReturnType<typeof seededRandom>;

/** How hostile a case is: plausible values, boundary values of the right type, or values of the wrong type. */
export type FuzzMode = 'valid' | 'boundary' | 'invalid';

export interface FuzzCase {
  field: string;
  operation: 'query' | 'mutation';
  mode: FuzzMode;
  /** Arguments as variables (`$a0`) or inlined as literals. */
  via: 'variables' | 'literals';
  query: string;
  variables?: Record<string, unknown>;
}

/** A value the generator could not build (a required input of an unknown scalar): the argument is left out. */
const SKIP = Symbol('skip');

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const uuid0 = '00000000-0000-0000-0000-000000000000';

/** Cursors a client could craft: wrong arity, wrong key types, keys PostgreSQL cannot cast, huge numbers, NUL. */
const CRAFTED_CURSORS = [
  b64('not json'),
  b64('[]'),
  b64(JSON.stringify(['abc', uuid0])),
  b64(JSON.stringify(['2024-13-45T99:00:00Z', uuid0])),
  b64(JSON.stringify(['-271821-04-20T00:00:00Z', uuid0])),
  b64(JSON.stringify([1e308, uuid0])),
  b64(JSON.stringify(['9'.repeat(400), uuid0])),
  b64(JSON.stringify(['a\u0000b', uuid0])),
  b64(JSON.stringify([null, uuid0])),
  b64(JSON.stringify([{ a: 1 }, uuid0])),
  b64(JSON.stringify(['x', 'not-a-uuid'])),
  b64(JSON.stringify(['x'.repeat(5000), uuid0])),
  '%%%',
  '',
];

const LONG = 'x'.repeat(10_000);
const STRINGS_BOUNDARY = ['', ' ', LONG, 'a\u0000b', '\u0000', '__proto__', 'constructor', '😀'.repeat(300), "'; DROP TABLE product; --", '\u202e\u0007\r\n', ...CRAFTED_CURSORS];

/** `{"a":{"a":…}}` nested `depth` deep, as JSON text: JSON.stringify would recurse as deep. */
export const deepJsonText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** A JSON value nested `depth` deep; keep it shallow enough for JSON.stringify (the client's request body). */
export const deepJson = (depth: number): unknown => JSON.parse(deepJsonText(depth));

export interface FuzzOptions {
  /** Real global IDs of the fixtures (any type): valid-shaped cases use them, so resolvers get past "not found". */
  ids: readonly string[];
  /** Cases per root field and mode. */
  perField: number;
  seed: number;
}

/**
 * Documents for every Query and Mutation field of `schema`, with arguments built from their types:
 * `valid` uses plausible values and real IDs, `boundary` right-typed extremes (empty and 10k-character
 * strings, NUL, huge and negative numbers, crafted cursors, `__proto__` global IDs, deep JSON, nulls
 * for optional inputs), `invalid` wrong types (floats for ints, unknown enum values, missing required
 * fields and variables). Each is sent either through variables or as literals.
 */
export function fuzzCases(schema: GraphQLSchema, { ids, perField, seed }: FuzzOptions): FuzzCase[] {
  const rng = seededRandom(seed);
  const idPool = [
    ...ids,
    'abc',
    '',
    b64(`__proto__:${uuid0}`),
    b64(`constructor:${uuid0}`),
    b64(`toString:${uuid0}`),
    b64(`hasOwnProperty:${randomUUIDFrom(rng)}`),
    b64(`Product:${randomUUIDFrom(rng)}`),
    b64(`Order:${randomUUIDFrom(rng)}`),
    b64('Product:not-a-uuid'),
    b64(`Product:${uuid0}\u0000`),
    LONG,
    'a\u0000b',
  ];

  function scalarValue(name: string, mode: FuzzMode, hint: string): unknown {
    const bad = mode === 'invalid' && rng.chance(0.6);
    switch (name) {
      case 'ID':
        if (bad) return rng.pick([1.5, true, { id: 1 }, [ids[0]]]);
        return mode === 'valid' && ids.length ? rng.pick(ids) : rng.pick(idPool);
      case 'String':
        if (bad) return rng.pick([12, false, { a: 1 }, ['a']]);
        if (mode === 'valid') {
          if (/email/i.test(hint)) return `fuzz-${rng.int(1e6)}@example.com`;
          if (/country/i.test(hint)) return rng.pick(['ES', 'DE', 'XX', 'es']);
          if (/currency/i.test(hint)) return rng.pick(['EUR', 'USD', 'ZZZ']);
          if (/after|cursor/i.test(hint)) return rng.pick(CRAFTED_CURSORS);
          return rng.pick(['hello', 'Fuzz title', 'a-slug', 'Calle Mayor 1', 'B12345678', 'password-123456']);
        }
        return /after|cursor/i.test(hint) && rng.chance(0.7) ? rng.pick(CRAFTED_CURSORS) : rng.pick(STRINGS_BOUNDARY);
      case 'Int':
        if (bad) return rng.pick([1.5, 2147483648, -2147483649, '1', 'abc', true, 1e100]);
        if (mode === 'valid') return rng.pick([1, 2, 5, 20]);
        return rng.pick([0, -1, 101, 2147483647, -2147483648, 100]);
      case 'SafeInt':
        if (bad) return rng.pick([1.5, 2 ** 53, '12', 'abc', true]);
        if (mode === 'valid') return rng.pick([1, 100, 1999]);
        return rng.pick([0, -1, 9007199254740991, -9007199254740991, 2147483648, 1e15]);
      case 'Float':
        if (bad) return rng.pick(['1.5', 'NaN', true]);
        return rng.pick(mode === 'valid' ? [1, 4.5] : [0, -1, 1e308, -1e308, 5e-324]);
      case 'Boolean':
        if (bad) return rng.pick(['true', 1, null]);
        return rng.chance(0.5);
      case 'DateTimeISO':
        if (bad) return rng.pick(['not a date', '2024-02-30T00:00:00Z', 12, '']);
        if (mode === 'valid') return '2024-01-01T00:00:00.000Z';
        return rng.pick(['0001-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '9999-12-31T23:59:59.999Z']);
      case 'JSONObject':
        if (bad) return rng.pick(['{}', 12, [1, 2], 'a\u0000b']);
        if (mode === 'valid') return { points: 100, note: 'x' };
        return rng.pick([
          deepJson(rng.pick([40, 1_000])),
          { __proto__key: 1, constructor: { prototype: 1 }, 'a\u0000': 'b\u0000' },
          Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i])),
          { big: LONG.repeat(10) },
          {},
        ]);
      default:
        return SKIP;
    }
  }

  function inputValue(type: GraphQLInputType, mode: FuzzMode, hint: string, depth: number): unknown {
    if (isNonNullType(type)) {
      if (mode === 'invalid' && rng.chance(0.08)) return null;
      return inputValue(type.ofType, mode, hint, depth);
    }
    if (mode !== 'valid' && rng.chance(0.15)) return null;
    if (isListType(type)) {
      const count = mode === 'boundary' ? rng.pick([0, 1, 150]) : rng.pick([1, 2]);
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) {
        const item = inputValue(type.ofType, mode, hint, depth + 1);
        if (item !== SKIP) items.push(item);
      }
      return items;
    }
    if (isEnumType(type)) {
      if (mode === 'invalid' && rng.chance(0.6)) return rng.pick(['NOPE', 'new', 1, '__proto__']);
      return rng.pick(type.getValues()).name;
    }
    if (isScalarType(type)) return scalarValue(type.name, mode, hint);
    if (isInputObjectType(type)) {
      if (depth > 4) return SKIP;
      if (mode === 'invalid' && rng.chance(0.15)) return rng.pick(['object?', 3]);
      const out: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        const required = isNonNullType(field.type) && field.defaultValue === undefined;
        if (!required && rng.chance(mode === 'valid' ? 0.4 : 0.3)) continue;
        if (required && mode === 'invalid' && rng.chance(0.1)) continue;
        const value = inputValue(field.type, mode, field.name, depth + 1);
        if (value !== SKIP) out[field.name] = value;
      }
      if (mode === 'invalid' && rng.chance(0.1)) out['unknownField'] = 1;
      return out;
    }
    return SKIP;
  }

  const cases: FuzzCase[] = [];
  for (const operation of ['query', 'mutation'] as const) {
    const root = operation === 'query' ? schema.getQueryType() : schema.getMutationType();
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      for (const mode of ['valid', 'boundary', 'invalid'] as const) {
        for (let n = 0; n < perField; n++) {
          const via = rng.chance(0.6) ? 'variables' : 'literals';
          cases.push(buildCase(schema, field, operation, mode, via));
        }
      }
    }
  }
  return cases;

  function buildCase(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>, operation: 'query' | 'mutation', mode: FuzzMode, via: FuzzCase['via']): FuzzCase {
    const declarations: string[] = [];
    const args: string[] = [];
    const variables: Record<string, unknown> = {};
    field.args.forEach((arg: GraphQLArgument, i) => {
      const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
      if (!required && rng.chance(mode === 'valid' ? 0.5 : 0.3)) return;
      const value = inputValue(arg.type, mode, arg.name, 0);
      if (value === SKIP) return;
      const name = `a${i}`;
      if (via === 'literals') {
        args.push(`${arg.name}: ${literal(value, arg.type)}`);
        return;
      }
      // A variable of the wrong type now and then: declared `String` for an `Int` argument (validation).
      const declared = mode === 'invalid' && rng.chance(0.1) ? 'String' : String(arg.type);
      declarations.push(`$${name}: ${declared}`);
      args.push(`${arg.name}: $${name}`);
      // A declared variable that is never sent: required ones must fail as a client error.
      if (mode === 'invalid' && rng.chance(0.1)) return;
      variables[name] = value;
    });
    const head = declarations.length ? `${operation} Fuzz(${declarations.join(', ')})` : `${operation} Fuzz`;
    const call = `${field.name}${args.length ? `(${args.join(', ')})` : ''}`;
    const selection = selectionOf(schema, getNamedType(field.type), 0);
    const query = `${head} { ${call}${selection} }`;
    return { field: field.name, operation, mode, via, query, ...(via === 'variables' ? { variables } : {}) };
  }

  /** Scalars and `__typename` of an object type, and one level of nested objects without required arguments. */
  function selectionOf(schema: GraphQLSchema, type: GraphQLNamedType, depth: number): string {
    if (isLeafType(type)) return '';
    if (!isObjectType(type)) return ' { __typename }';
    const parts = ['__typename'];
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
      const named = getNamedType(field.type);
      if (isLeafType(named)) parts.push(field.name);
      else if (depth < 2 && rng.chance(depth === 0 ? 0.7 : 0.3)) parts.push(`${field.name}${selectionOf(schema, named, depth + 1)}`);
    }
    return ` { ${parts.join(' ')} }`;
  }
}

function randomUUIDFrom(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/**
 * A GraphQL literal for a JSON value of `type`: strings quoted as JSON (GraphQL strings take the same
 * escapes), enum values bare, object keys bare. A key that is no GraphQL name makes the document
 * invalid, which is a client error too.
 */
export function literal(value: unknown, type?: GraphQLInputType): string {
  const named = type && getNamedType(type);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return named && isEnumType(named) && /^[A-Za-z_]\w*$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return String(value);
  const item = type && isNonNullType(type) ? type.ofType : type;
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, item && isListType(item) ? item.ofType : item)).join(', ')}]`;
  const fields = named && isInputObjectType(named) ? named.getFields() : {};
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${literal(v, fields[k]?.type)}`);
  return `{${entries.join(', ')}}`;
}
