import type { EntityManager, QueryRunner } from 'typeorm';
import type { AppServices, InTransaction } from '../core/context';

/** What a transaction needs of a ctx: the pool, the dispatcher to wake, and whether it is already in one. */
export type TransactionHost = Pick<AppServices, 'db' | 'events'> & { tx?: EntityManager };

export interface TransactionOptions {
  /**
   * Commit without waiting for the WAL flush (`SET LOCAL synchronous_commit = off`, sent with the BEGIN in one
   * simple-protocol round trip). Only for the work of an outbox event's handler, never for a request's own
   * transaction (money, stock, anything a client is told succeeded). Why it is safe there: delivery is at least
   * once and handlers are idempotent; WAL is written and flushed in order, and the dispatcher's COMMIT that marks
   * the event delivered comes after the handler's commit, so when a crash loses the handler's commit it loses
   * the mark too and the event is delivered again; any later synchronous commit (a request's) flushes the
   * handler's commit with it, so nothing durable can depend on a lost one. Saves the commit's WAL flush wait
   * (and its fsync) per handler transaction (bench/notes-events-cpu.md). A ctx already in a transaction joins
   * it and the option does nothing.
   */
  asyncCommit?: boolean;
}

/** The transactions of outbox event handlers (hooks): asynchronous commit, see TransactionOptions. */
export const HOOK_TRANSACTION: TransactionOptions = { asyncCommit: true };

/**
 * Runs `fn` in one transaction with a ctx whose writes (`ctx.tx`) and `emit` go to it; a ctx already in
 * a transaction joins it. After the commit, the dispatcher is woken when events were recorded, so no
 * service has to remember to (Vendure's withTransaction, for the same reason: events after commit).
 */
export async function withTransaction<C extends TransactionHost, T>(
  ctx: C,
  fn: (ctx: C & InTransaction) => Promise<T>,
  { asyncCommit = false }: TransactionOptions = {},
): Promise<T> {
  if (ctx.tx) return fn(ctx as C & InTransaction);
  const emitted = { count: 0 };
  try {
    if (!asyncCommit) return await ctx.db.transaction((tx) => fn({ ...ctx, tx, emitted }));
    const runner = ctx.db.createQueryRunner();
    try {
      beginAsyncCommit(runner);
      return await runner.manager.transaction((tx) => fn({ ...ctx, tx, emitted }));
    } finally {
      await runner.release();
    }
  } finally {
    // Also after a rollback that came after some emits: a round that finds nothing costs one query.
    if (emitted.count > 0) ctx.events.kick();
  }
}

/**
 * Makes the runner's next START TRANSACTION (TypeORM's startTransaction, which takes no option for it) also
 * set synchronous_commit off for that transaction: one simple-protocol query with both statements (no
 * parameters), one round trip as before.
 */
function beginAsyncCommit(runner: QueryRunner): void {
  const query = runner.query;
  runner.query = function (this: QueryRunner, text: string, ...rest: unknown[]) {
    if (text !== 'START TRANSACTION') return query.call(this, text, ...(rest as []));
    runner.query = query;
    return query.call(this, 'START TRANSACTION; SET LOCAL synchronous_commit = off');
  } as QueryRunner['query'];
}
