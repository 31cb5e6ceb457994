import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors';

export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  first!: number;

  @Field({ nullable: true, description: 'The endCursor of the previous page.' })
  after?: string;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field({ description: 'Always false: pages are walked forward with keyset cursors.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
}

/** A Relay connection type for `node`, named `${name}Connection` with `${name}Edge`. */
export function connectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => [node], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/** Keyset cursor: the sort key values of a row, base64url-encoded JSON. */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * Longer than any cursor we issue (a 200-character title of 4-byte characters and a uuid, base64url);
 * checked before decoding (issue 9: bounded work).
 */
const MAX_CURSOR_LENGTH = 1_200;
const MAX_KEY_LENGTH = 300;

/** A sort key of a cursor we could have written: finite numbers, short text without NUL (PostgreSQL refuses \0 in text). */
const isKeyValue = (v: unknown): v is string | number | null =>
  v === null || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= MAX_KEY_LENGTH && !v.includes('\u0000'));

export function decodeCursor(cursor: string, arity: number): (string | number | null)[] {
  try {
    const values: unknown = cursor.length <= MAX_CURSOR_LENGTH && JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every(isKeyValue)) return values;
  } catch {
    // fall through to the error below
  }
  throw badInput('after is not a cursor of this list.', 'after');
}

export function checkPageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
  }
  return first;
}

/** Builds a page from `first + 1` fetched rows. */
export function toConnection<R, T>(
  rows: R[],
  first: number,
  cursorOf: (row: R) => string,
  toNode: (row: R) => T,
): ConnectionShape<T> {
  const page = rows.length > first ? rows.slice(0, first) : rows;
  const edges = page.map((row) => ({ cursor: cursorOf(row), node: toNode(row) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A `[sortKey, uuid]` keyset cursor, as written by `encodeCursor([row.sortKey, row.id])`. */
export function decodeKeyset(after: string): { key: string | number | null; id: string } {
  const [key, id] = decodeCursor(after, 2);
  if (typeof id !== 'string' || !UUID.test(id)) throw badInput('after is not a cursor of this list.', 'after');
  return { key: key ?? null, id };
}
