import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a plugin migration may touch: objects named with the plugin's prefix, nothing of the core's. Each
 * plugin migration runs in its own transaction under this check: the catalog outside the prefix is
 * fingerprinted before and after (tables and their columns, indexes, constraints, triggers, functions,
 * types, sequences, views), and the statements are read for writes into other tables. Anything else
 * throws, which rolls the migration back and stops the boot with the plugin named.
 */
const OUTSIDE_PREFIX = `
  SELECT 'relation ' || c.relname || ' (' || c.relkind::text || ')' AS object,
         md5(coalesce((SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull || ':' ||
                                 coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ',' ORDER BY a.attnum)
                         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') ||
             coalesce(c.reloptions::text, '') || c.relrowsecurity::text) AS fingerprint
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = current_schema() AND left(c.relname, length($1)) <> $1
  UNION ALL
  SELECT 'constraint ' || con.conname || ' on ' || rel.relname, md5(pg_get_constraintdef(con.oid))
    FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
   WHERE n.nspname = current_schema() AND left(rel.relname, length($1)) <> $1
  UNION ALL
  SELECT 'trigger ' || t.tgname || ' on ' || rel.relname, md5(pg_get_triggerdef(t.oid) || t.tgenabled::text)
    FROM pg_trigger t JOIN pg_class rel ON rel.oid = t.tgrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
   WHERE n.nspname = current_schema() AND NOT t.tgisinternal AND left(rel.relname, length($1)) <> $1
  UNION ALL
  SELECT 'function ' || p.proname, md5(pg_get_functiondef(p.oid))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p') AND left(p.proname, length($1)) <> $1
  UNION ALL
  SELECT 'type ' || t.typname, md5(t.typtype::text || coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), ''))
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0 AND left(t.typname, length($1)) <> $1
  UNION ALL
  SELECT 'extension ' || e.extname, e.extversion FROM pg_extension e
  UNION ALL
  SELECT 'schema ' || n.nspname, '' FROM pg_namespace n WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'`;

async function fingerprint(q: QueryRunner, prefix: string): Promise<Map<string, string>> {
  const rows: { object: string; fingerprint: string }[] = await q.query(OUTSIDE_PREFIX, [prefix]);
  return new Map(rows.map((r) => [r.object, r.fingerprint]));
}

/** Tables a statement writes rows into (INSERT INTO, UPDATE, DELETE FROM, TRUNCATE, COPY … FROM). */
const WRITES = /\b(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?|copy|merge\s+into)\s+(?:only\s+)?(?:"?[a-z_][a-z0-9_]*"?\.)?"?([a-z_][a-z0-9_]*)"?/gi;

/** Objects a statement names in DDL that the catalog fingerprint cannot see (roles, grants, settings). */
const FORBIDDEN = /\b(?:create|alter|drop)\s+(?:role|user|database|tablespace|event\s+trigger|publication|subscription|server|foreign\s+data)\b|\bgrant\b|\brevoke\b|\balter\s+system\b|\bset\s+(?:session\s+)?(?:role|authorization)\b|\bsecurity\s+definer\b/i;

/** Words after UPDATE or DELETE that are not a table: `ON UPDATE CASCADE`, `BEFORE INSERT OR UPDATE ON t`, `FOR UPDATE`. */
const KEYWORDS = new Set(['set', 'on', 'of', 'or', 'cascade', 'restrict', 'no', 'nowait', 'skip']);

function statementProblems(sql: string, prefix: string): string[] {
  const text = sql.replace(/--[^\n]*/g, ' ').replace(/'(?:[^']|'')*'/g, "''");
  const problems: string[] = [];
  if (FORBIDDEN.test(text)) problems.push(`a statement outside what a plugin may run: ${sql.trim().slice(0, 120)}`);
  for (const m of text.matchAll(WRITES)) {
    const table = m[1]!.toLowerCase();
    if (!table.startsWith(prefix) && !KEYWORDS.has(table)) problems.push(`writes rows of "${table}", not one of its tables`);
  }
  return problems;
}

/** The migration class the host runs instead of the plugin's: the same up/down, under the check. */
export function guardedMigration(plugin: string, prefix: string, Migration: new () => MigrationInterface): new () => MigrationInterface {
  const guarded = class implements MigrationInterface {
    readonly inner = new Migration();
    name = this.inner.name ?? Migration.name;
    transaction = this.inner.transaction;

    async up(q: QueryRunner): Promise<void> {
      await this.check(q, (watched) => this.inner.up(watched));
    }

    async down(q: QueryRunner): Promise<void> {
      await this.check(q, (watched) => this.inner.down(watched));
    }

    private async check(q: QueryRunner, run: (q: QueryRunner) => Promise<void>): Promise<void> {
      const before = await fingerprint(q, prefix);
      const problems: string[] = [];
      const watched = new Proxy(q, {
        get(target, key, receiver) {
          if (key === 'query') {
            return (sql: string, ...rest: unknown[]) => {
              problems.push(...statementProblems(String(sql), prefix));
              return (target.query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
            };
          }
          const value = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      await run(watched);
      const after = await fingerprint(q, prefix);
      for (const [object, print] of after) if (before.get(object) !== print) problems.push(`${before.has(object) ? 'changes' : 'creates'} ${object}`);
      for (const object of before.keys()) if (!after.has(object)) problems.push(`drops ${object}`);
      if (problems.length) {
        throw new Error(
          `plugin "${plugin}": migration ${this.name} may create and change only objects named ${prefix}…, but it ${[...new Set(problems)].slice(0, 10).join('; ')}`,
        );
      }
    }
  };
  Object.defineProperty(guarded, 'name', { value: Migration.name });
  return guarded;
}
