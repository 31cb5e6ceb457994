import type { EntityManager } from 'typeorm';
import type { EventPayloads, EventType } from './event-types';

/**
 * Records an event in the transaction that made the change: it exists if and only if the change
 * committed. The dispatcher delivers it after commit (events/dispatcher.ts).
 */
export async function emit<T extends EventType>(tx: EntityManager, type: T, payload: EventPayloads[T]): Promise<void> {
  await tx.query('INSERT INTO outbox (type, payload) VALUES ($1, $2)', [type, JSON.stringify(payload)]);
}
