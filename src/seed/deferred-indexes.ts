import type { EntityManager } from 'typeorm';

/**
 * Runs `load` with the secondary indexes, unique constraints and foreign keys of `tables` dropped, and
 * then puts each back from its own definition, read from the catalog before the drop: building an index
 * once from sorted rows and checking a foreign key with one join costs a fraction of doing both row by
 * row (measured in bench/RESULTS.md, section `growth`). Re-adding them checks every row, so a load that
 * broke a key fails the transaction. Primary keys stay (other tables' keys reference them), and so do
 * unique constraints that a foreign key references. The drops are DDL in the caller's transaction: the
 * tables are locked until commit and a rollback restores them.
 */
export async function withIndexesDeferred<T>(tx: EntityManager, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  const indexes: { name: string; definition: string }[] = await tx.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
      WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
      ORDER BY 1`,
    [tables],
  );
  const constraints: { table: string; name: string; definition: string }[] = await tx.query(
    `SELECT c.conrelid::regclass::text AS table, quote_ident(c.conname) AS name, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c
      WHERE c.conrelid = ANY($1::regclass[])
        AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid)))
      -- Unique constraints first when put back: foreign keys may check against them.
      ORDER BY c.contype DESC, 1, 2`,
    [tables],
  );
  for (const c of constraints) await tx.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
  for (const i of indexes) await tx.query(`DROP INDEX ${i.name}`);
  const result = await load();
  // Index builds sort in memory up to this, for this transaction only (the default, 64 MB, spills to disk at 1M products).
  await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  for (const i of indexes) await tx.query(i.definition);
  for (const c of constraints) await tx.query(`ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.definition}`);
  return result;
}
