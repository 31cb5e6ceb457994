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

/** One event of a batch for emitAll. */
export type PendingEvent = { [T in EventType]: { type: T; payload: EventPayloads[T] } }[EventType];

/**
 * Records several events in one statement, in the order given (outbox ids follow it), then runs each one's
 * in-transaction listeners in that order: what emit() does for each, with one round trip for the rows.
 * Checkout records nine events per three-seller purchase: nine round trips inside its transaction before.
 */
export async function emitAll(ctx: TxContext, events: readonly PendingEvent[]): Promise<void> {
  if (!events.length) return;
  await ctx.tx.query('INSERT INTO outbox (type, payload) SELECT e.type, e.payload FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS e(type, payload, n) ORDER BY e.n', [
    events.map((e) => e.type),
    events.map((e) => JSON.stringify(e.payload)),
  ]);
  ctx.emitted.count += events.length;
  for (const { type, payload } of events) {
    for (const listener of (ctx.listeners[type] ?? []) as readonly TransactionListener<typeof type>[]) await listener(ctx, payload as never);
  }
}
