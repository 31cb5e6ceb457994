/**
 * What a `.rows.ts` file selects: each field of its row type and the column (or expression) that holds it.
 * The select list and the json object below are built from one map, so a row's shape is written once.
 */
export type ColumnMap<R> = Record<keyof R & string, string>;

/**
 * The select list of `columns`, each aliased as its field (`"${prefix}${field}"`, for joins), each column
 * read from `table` when one is given, else as written (the map then names its own aliases).
 */
export function selectList<R>(columns: ColumnMap<R>, table?: string, prefix = ''): string {
  return Object.entries<string>(columns)
    .map(([field, column]) => `${table ? `${table}.` : ''}${column} AS "${prefix}${field}"`)
    .join(', ');
}

/** The row of `table` as one json column (`json_build_object`), for statements whose rows are not all of it. */
export function jsonObject<R>(columns: ColumnMap<R>, table: string): string {
  return `json_build_object(${Object.entries<string>(columns)
    .map(([field, column]) => `'${field}', ${table}.${column}`)
    .join(', ')})`;
}
