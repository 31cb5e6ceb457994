import type { AppServices } from '../../core/context';
import { HOOK_TRANSACTION, withTransaction } from '../../db/transaction';
import type { EventPayloads } from '../../events/event-types';
import { VIEWS, addToBaskets } from './co-occurrence';

/**
 * "Customers who viewed this also viewed": the co-occurrence of co-occurrence.ts over a customer's views of
 * one (UTC) day, from personalization's touchpoints. Only consenting customers' views arrive one by one
 * (`touchpoint.recorded`); anonymous views are kept only as per-product counts and can't pair. Each
 * touchpoint counts once (view_counted_touchpoint), whatever the redeliveries.
 */
export async function countViews(app: Pick<AppServices, 'db' | 'events'>, { customerId, events }: EventPayloads['touchpoint.recorded']): Promise<void> {
  const views = events.filter((e) => e.type === 'PRODUCT_VIEWED' && e.productId);
  if (!views.length) return;
  await withTransaction(app, async ({ tx }) => {
    const fresh: { id: string }[] = await tx.query(
      `INSERT INTO view_counted_touchpoint (touchpoint_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING touchpoint_id AS id`,
      [views.map((v) => v.id)],
    );
    const counted = new Set(fresh.map((r) => r.id));
    const sessions = new Map<string, string[]>();
    for (const v of views) {
      if (!counted.has(v.id)) continue;
      const session = `${customerId}:${v.occurredAt.slice(0, 10)}`;
      sessions.set(session, [...(sessions.get(session) ?? []), v.productId!]);
    }
    await addToBaskets(tx, VIEWS, sessions);
  }, HOOK_TRANSACTION);
}
