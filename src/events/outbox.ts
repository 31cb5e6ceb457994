import type { InTransaction, TransactionListener, TxContext } from '../core/context';
import type { EventPayloads, EventType } from './event-types';

/**
 * Records an event in the transaction that made the change: it exists if and only if the change
 * committed. The dispatcher delivers it after commit (events/dispatcher.ts), woken by withTransaction.
 */
export async function recordEvent(ctx: InTransaction, type: string, payload: object): Promise<void> {
  await ctx.tx.query('INSERT INTO outbox (type, payload) VALUES ($1, $2)', [type, JSON.stringify(payload)]);
  ctx.emitted.count++;
}

/** Records a domain event and runs its in-transaction listeners (core/context.ts, TransactionListener) now. */
export async function emit<T extends EventType>(ctx: TxContext, type: T, payload: EventPayloads[T]): Promise<void> {
  await recordEvent(ctx, type, payload);
  for (const listener of (ctx.listeners[type] ?? []) as readonly TransactionListener<T>[]) await listener(ctx, payload);
}
