import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { QueryFailedError, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';

const names = new Map<string, string>();

/** A statement's name for pg: the same text always gets the same name (pg refuses one name for two texts). */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `zoco_${createHash('sha1').update(text).digest('base64url')}`;
    names.set(text, name);
  }
  return name;
}

const texts = new Map<string, string>();
/** Keys are a bounded set by construction; past this many, texts are built on every call and not kept. */
const MAX_TEXTS = 1_024;

/**
 * The statement text named `key` (unique over the program, e.g. its owner and the flags or shape it is built from),
 * built by `build` on first use: for statements with a few variants by what an operation selects (a bounded set of
 * keys, each a text prepared once per connection), without building and hashing the text on every call.
 */
export function statementText(key: string, build: () => string): string {
  let text = texts.get(key);
  if (text === undefined) {
    text = build();
    if (texts.size < MAX_TEXTS) texts.set(key, text);
  }
  return text;
}

const openEnded = new Set<string>();
/** Distinct texts of open-ended families a process prepares (mayPrepare): each connection keeps at most this many of them. */
const MAX_OPEN_ENDED = 256;

/**
 * Whether a statement whose text comes from an open-ended family (built from data, e.g. a promotion's targeting
 * rule, its values all parameters) may run as a named statement: the first MAX_OPEN_ENDED distinct texts the
 * process sees may, later ones run unnamed (parsed and planned on every call, as before). So the family keeps
 * the plan cache's gain for the few texts a deployment actually has without letting a connection's prepared
 * statements grow without bound.
 */
export function mayPrepare(text: string): boolean {
  if (openEnded.has(text)) return true;
  if (openEnded.size >= MAX_OPEN_ENDED) return false;
  openEnded.add(text);
  return true;
}

/**
 * A read as a named (prepared) statement on the DataSource's own pg pool: PostgreSQL parses and plans it once
 * per connection (then runs a generic plan) instead of on every call, and TypeORM's query runner, broadcaster
 * and result wrapping are skipped. For the hot catalog reads only (catalog pages, product pages): the window
 * query of a page's listings planned in 0.40 ms and ran in 0.39 ms; prepared, it plans in 0.06 ms.
 * Counted, logged when slow and wrapped on error as DataSource.query does, so tests, cost checks and the error
 * policy see no difference. `text` must be one of a bounded set of texts (values go in `values`): each
 * connection keeps every statement it prepared.
 */
export function preparedQuery<R>(db: DataSource, text: string, values: unknown[]): Promise<R[]> {
  return prepared<R>(db, text, values);
}

/** preparedQuery with each row as an array of its columns' values, in the order of the select list (row-values.ts). */
export function preparedValues(db: DataSource, text: string, values: unknown[]): Promise<unknown[][]> {
  return prepared<unknown[]>(db, text, values, 'array');
}

async function prepared<R>(db: DataSource, text: string, values: unknown[], rowMode?: 'array'): Promise<R[]> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const result = await counted(db, undefined, text, values, () => pool.query({ name: nameOf(text), text, values, ...(rowMode && { rowMode }) }));
  return result.rows as R[];
}

/** Runs a named statement as TypeORM runs a query: counted and logged (with its query runner), slow ones reported, failures wrapped. */
async function counted(db: DataSource, runner: QueryRunner | undefined, text: string, values: unknown[], run: () => Promise<QueryResult>): Promise<QueryResult> {
  db.logger.logQuery(text, values, runner);
  const started = Date.now();
  try {
    const result = await run();
    const ms = Date.now() - started;
    const slow = db.options.maxQueryExecutionTime;
    if (slow && ms > slow) db.logger.logQuerySlow(ms, text, values, runner);
    return result;
  } catch (err) {
    db.logger.logQueryError(err as Error, text, values, runner);
    throw new QueryFailedError(text, values, err as Error);
  }
}

/**
 * A statement of a transaction as a named (prepared) statement on the transaction's own connection: what
 * `tx.query(text, values)` returns (rows; for UPDATE and DELETE `[rows, rowCount]`), counted and logged with
 * the transaction's query runner and wrapped on error as TypeORM does. For the purchase's hot statements
 * (checkout, buyNow): PostgreSQL's statistics (log_parser_stats, log_planner_stats, log_executor_stats) over
 * a checkout bench gave parsing 21% and planning 30% of its statements' CPU, executing 48%; the listings' read
 * with the invoice parties planned in 0.6 ms and ran in 0.2. Prepared, the text is parsed once per connection
 * and planned generically after five runs. Same rule as preparedQuery: `text` from a bounded set.
 */
export async function preparedTxQuery(tx: EntityManager, text: string, values: unknown[]): Promise<any> {
  const runner = tx.queryRunner;
  if (!runner) throw new Error('preparedTxQuery runs inside a transaction');
  const client = (await runner.connect()) as PoolClient;
  const result = await counted(tx.connection, runner, text, values, () => client.query({ name: nameOf(text), text, values }));
  return result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows;
}

/**
 * Parameter `param` (e.g. '$1') of type `type` (e.g. 'uuid[]') hidden from the planner behind a scalar subquery
 * (an InitPlan, evaluated once per run). For named statements that PostgreSQL would otherwise plan on every run:
 * when a custom plan sees an array's length it always looks cheaper than the generic plan (costed for ten
 * elements), so the plan cache never settles on the generic one. With the value hidden both cost the same, and
 * after five runs a connection keeps the generic plan: 0.02 ms to "plan" instead of 0.2–2 ms (checkout's listings
 * read and stock take). Only where the generic plan is the good one (a primary key lookup per element).
 */
export function opaqueParam(param: string, type: string): string {
  return `(SELECT ${param}::${type})::${type}`;
}
