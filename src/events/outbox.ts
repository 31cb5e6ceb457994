import type { InTransaction, TransactionListener, TxContext } from '../core/context';
import type { EventPayloads, EventType } from './event-types';
import { preparedTxQuery } from '../db/prepared-query';

/**
 * Records an event in the transaction that made the change: it exists if and only if the change
 * committed. The dispatcher delivers it after commit (events/dispatcher.ts), woken by withTransaction.
 */
export async function recordEvent(ctx: InTransaction, type: string, payload: object): Promise<void> {
  if (ctx.held) ctx.held.push({ type, payload });
  else await insertEvents(ctx, [{ type, payload }]);
}

/** The outbox rows of `events`, in the order given (outbox ids follow it), in one statement. */
async function insertEvents(ctx: InTransaction, events: readonly { type: string; payload: object }[]): Promise<void> {
  if (!events.length) return;
  // Named: every cart change and purchase writes its events with it (parsed once per connection).
  await preparedTxQuery(ctx.tx, 'INSERT INTO outbox (type, payload) SELECT e.type, e.payload FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS e(type, payload, n) ORDER BY e.n', [
    events.map((e) => e.type),
    events.map((e) => JSON.stringify(e.payload)),
  ]);
  ctx.emitted.count += events.length;
}

/**
 * Runs `fn` with the events it records held back, then writes them all in one statement, in the order
 * recorded; their in-transaction listeners still run when each is emitted. An event's row then comes after
 * rows written directly (not through recordEvent/emit/emitAll) later in `fn`. A checkout records the order
 * events, the cart's and the invoices' (three statements, each a round trip with its listings and invoice
 * counters locked): one now, or none when its last write takes them (takeHeldEvents). A savepoint inside
 * `fn` forgets what it held with heldEventsSince.
 */
export async function batchEvents<C extends TxContext, T>(ctx: C, fn: (ctx: C) => Promise<T>): Promise<T> {
  if (ctx.held) return fn(ctx);
  const held: { type: string; payload: object }[] = [];
  const result = await fn({ ...ctx, held });
  await insertEvents(ctx, held);
  return result;
}

/**
 * For the write that ends a batchEvents transaction: takes the events held so far (batchEvents then writes
 * none of them), to be written by that write's own statement with recordEventsSql, one round trip fewer.
 */
export function takeHeldEvents(ctx: InTransaction): { types: string[]; payloads: string[] } {
  const taken = ctx.held?.splice(0) ?? [];
  ctx.emitted.count += taken.length;
  return { types: taken.map((e) => e.type), payloads: taken.map((e) => JSON.stringify(e.payload)) };
}

/**
 * A data-modifying statement for a CTE: writes the events of takeHeldEvents (`types`, `payloads`: the SQL
 * parameters of its two arrays), then the rows of `more` (a query of `type`, `payload` jsonb and `n`, their
 * order) after them, in that order (outbox ids follow it). The caller adds `more`'s rows to ctx.emitted.count
 * and runs their listeners (runListeners).
 */
export function recordEventsSql(types: string, payloads: string, more: string): string {
  return `INSERT INTO outbox (type, payload)
          SELECT e.type, e.payload FROM (
            SELECT 0 AS part, h.type, h.payload, h.n FROM unnest(${types}::text[], ${payloads}::jsonb[]) WITH ORDINALITY AS h(type, payload, n)
            UNION ALL
            SELECT 1, m.type, m.payload, m.n FROM (${more}) m) e
          ORDER BY e.part, e.n`;
}

/**
 * Runs the in-transaction listeners (core/context.ts, TransactionListener) of events already recorded, in order;
 * a listener with `many` once for all the events of its type, at the first of them.
 */
export async function runListeners(ctx: TxContext, events: readonly PendingEvent[]): Promise<void> {
  // The types whose `many` listeners ran (a listener may be registered for several types).
  const ranMany = new Set<string>();
  for (const { type, payload } of events) {
    for (const listener of (ctx.listeners[type] ?? []) as readonly TransactionListener<typeof type>[]) {
      if (!listener.many) await listener(ctx, payload as never);
      else if (!ranMany.has(type)) await listener.many(ctx, events.filter((e) => e.type === type).map((e) => e.payload) as never[]);
    }
    ranMany.add(type);
  }
}

/**
 * For a write whose own statement inserted its event's outbox row (a data-modifying CTE: one round trip fewer):
 * counts the event and runs its in-transaction listeners, as emit() does. `payload` is only made when a
 * listener wants it (the row's payload was built in SQL).
 */
export async function recordedInStatement<T extends EventType>(ctx: TxContext, type: T, payload: () => EventPayloads[T]): Promise<void> {
  ctx.emitted.count++;
  const listeners = ctx.listeners[type] as readonly TransactionListener<T>[] | undefined;
  if (listeners?.length) await runListeners(ctx, [{ type, payload: payload() } as PendingEvent]);
}

/** For a savepoint: a function that drops the events held since (batchEvents), to call when rolling back to it. */
export function heldEventsSince(ctx: InTransaction): () => void {
  const { held } = ctx;
  const mark = held?.length ?? 0;
  return () => {
    if (held) held.length = mark;
  };
}

/** Records a domain event and runs its in-transaction listeners (core/context.ts, TransactionListener) now. */
export async function emit<T extends EventType>(ctx: TxContext, type: T, payload: EventPayloads[T]): Promise<void> {
  await recordEvent(ctx, type, payload);
  await runListeners(ctx, [{ type, payload } as PendingEvent]);
}

/** One event of a batch for emitAll. */
export type PendingEvent = { [T in EventType]: { type: T; payload: EventPayloads[T] } }[EventType];

/**
 * Records several events in one statement (inside batchEvents: holds them for its one), in the order given
 * (outbox ids follow it), then runs each one's in-transaction listeners in that order: what emit() does for
 * each, with one round trip for the rows.
 */
export async function emitAll(ctx: TxContext, events: readonly PendingEvent[]): Promise<void> {
  if (ctx.held) ctx.held.push(...events);
  else await insertEvents(ctx, events);
  await runListeners(ctx, events);
}
