import type { EntityManager } from 'typeorm';

/** Inserts many rows with one `INSERT … SELECT FROM unnest(…)` per chunk: one round trip per 5,000 rows. */
export async function bulkInsert(
  tx: EntityManager,
  table: string,
  columns: Record<string, string>,
  rows: unknown[][],
  chunkSize = 5_000,
): Promise<void> {
  const names = Object.keys(columns);
  const types = Object.values(columns);
  const sql = `INSERT INTO ${table} (${names.join(', ')})
    SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    await tx.query(
      sql,
      names.map((_, c) => chunk.map((row) => row[c])),
    );
  }
}
