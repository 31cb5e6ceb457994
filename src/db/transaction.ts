import type { EntityManager } from 'typeorm';
import type { AppServices, InTransaction } from '../core/context';

/** What a transaction needs of a ctx: the pool, the dispatcher to wake, and whether it is already in one. */
export type TransactionHost = Pick<AppServices, 'db' | 'events'> & { tx?: EntityManager };

/**
 * Runs `fn` in one transaction with a ctx whose writes (`ctx.tx`) and `emit` go to it; a ctx already in
 * a transaction joins it. After the commit, the dispatcher is woken when events were recorded, so no
 * service has to remember to (Vendure's withTransaction, for the same reason: events after commit).
 */
export async function withTransaction<C extends TransactionHost, T>(ctx: C, fn: (ctx: C & InTransaction) => Promise<T>): Promise<T> {
  if (ctx.tx) return fn(ctx as C & InTransaction);
  const emitted = { count: 0 };
  try {
    return await ctx.db.transaction((tx) => fn({ ...ctx, tx, emitted }));
  } finally {
    // Also after a rollback that came after some emits: a round that finds nothing costs one query.
    if (emitted.count > 0) ctx.events.kick();
  }
}
