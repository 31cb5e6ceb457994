/**
 * Rows read as arrays (preparedValues: pg's rowMode 'array') seen through their column names, in the order of the
 * select list: the same mappers (`toListing(row)`) read them. pg builds an object per row with a keyed store per
 * column, the dearest part of its parsing (its parseRow was ~8% of a catalog page's JavaScript CPU); an array and
 * this two-word view cost a fraction of that.
 */
export function rowValues<R extends object>(fields: readonly (keyof R & string)[]): (values: unknown[]) => R {
  class Row {
    constructor(readonly values: unknown[]) {}
  }
  fields.forEach((field, i) => {
    Object.defineProperty(Row.prototype, field, {
      get(this: Row) {
        return this.values[i];
      },
    });
  });
  return (values) => new Row(values) as unknown as R;
}

/**
 * Fills, in place, the NULLs of column `index` of `rows` with the last value above them: for a statement that
 * sends a column repeated over a run of rows (e.g. the product of its listings, ordered by product) on the run's
 * first row only. pg slices and decodes every non-null value; a NULL costs it nothing.
 */
export function fillDown(rows: unknown[][], index: number): void {
  let value: unknown = null;
  for (const row of rows) {
    if (row[index] === null) row[index] = value;
    else value = row[index];
  }
}
