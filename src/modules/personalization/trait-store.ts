import type { EntityManager } from 'typeorm';
import { AFFINITY_WEIGHT_SQL, EVENT_DAY_SQL } from './touchpoint-weights';
import { evaluateTraits, type ScoredTarget, type TraitInputs, type Traits } from './trait-model';

type Queryable = Pick<EntityManager, 'query'>;

/** Which of a customer's stored events to add to their aggregates: new ones (incremental) or all (recompute). */
export type EventSelection = { ids: string[] } | 'all';

/** Half-life of interest in a category or seller, days (README, "Affinity"). */
export const AFFINITY_HALF_LIFE_DAYS = 30;

/**
 * Adds the selected events of a customer to their integer aggregates. The same statements serve the
 * incremental update (a batch's new events) and the recompute (all of them, on emptied aggregates):
 * sums of integers per key, so the result does not depend on how the events were split or ordered.
 * Rows are written in key order: concurrent writers of one key never deadlock.
 */
export async function addToAggregates(tx: Queryable, customerId: string, selection: EventSelection): Promise<void> {
  const filter = selection === 'all' ? 'e.customer_id = $1' : 'e.customer_id = $1 AND e.id = ANY($2::uuid[])';
  const params = selection === 'all' ? [customerId] : [customerId, selection.ids];
  for (const [table, column] of [
    ['customer_category_day', 'category_id'],
    ['customer_seller_day', 'seller_id'],
  ] as const) {
    await tx.query(
      `INSERT INTO ${table} (customer_id, ${column}, day, weight)
       SELECT $1, e.${column}, ${EVENT_DAY_SQL}, sum(${AFFINITY_WEIGHT_SQL})::int
         FROM touchpoint_event e WHERE ${filter} AND e.${column} IS NOT NULL AND ${AFFINITY_WEIGHT_SQL} > 0
        GROUP BY 2, 3 ORDER BY 2, 3
       ON CONFLICT (customer_id, ${column}, day) DO UPDATE SET weight = ${table}.weight + EXCLUDED.weight`,
      params,
    );
  }
  await tx.query(
    `INSERT INTO customer_channel_day (customer_id, channel, day, events)
     SELECT $1, e.channel, ${EVENT_DAY_SQL}, count(*)::int
       FROM touchpoint_event e WHERE ${filter} AND e.source = 'client'
      GROUP BY 2, 3 ORDER BY 2, 3
     ON CONFLICT (customer_id, channel, day) DO UPDATE SET events = customer_channel_day.events + EXCLUDED.events`,
    params,
  );
  // An order is paid once per line event (order.paid records one touchpoint per line, the discount on the first).
  await tx.query(
    `INSERT INTO customer_order_fact (customer_id, order_id, paid_at, total, discount)
     SELECT $1, e.order_id, min(e.occurred_at), sum(coalesce(e.amount, 0)), sum(coalesce(e.discount, 0))
       FROM touchpoint_event e WHERE ${filter} AND e.type = 'ORDER_PAID' AND e.order_id IS NOT NULL
      GROUP BY 2 ORDER BY 2
     ON CONFLICT (customer_id, order_id) DO UPDATE SET paid_at = least(customer_order_fact.paid_at, EXCLUDED.paid_at),
       total = customer_order_fact.total + EXCLUDED.total, discount = customer_order_fact.discount + EXCLUDED.discount`,
    params,
  );
  // Whichever of paid and cancelled arrives last (hooks are at least once, in any order) settles it.
  await tx.query(
    `UPDATE customer_order_fact f SET cancelled = true
      WHERE f.customer_id = $1 AND NOT f.cancelled
        AND f.order_id IN (SELECT e.order_id FROM touchpoint_event e WHERE ${filter} AND e.order_id IS NOT NULL)
        AND EXISTS (SELECT 1 FROM touchpoint_event c WHERE c.customer_id = $1 AND c.order_id = f.order_id AND c.type = 'ORDER_CANCELLED')`,
    params,
  );
  await tx.query(
    `UPDATE customer_trait SET last_seen_at = greatest(last_seen_at, (SELECT max(e.occurred_at) FROM touchpoint_event e WHERE ${filter}))
      WHERE customer_id = $1`,
    params,
  );
}

/** Empties a customer's aggregates, for a recompute. */
export async function clearAggregates(tx: Queryable, customerId: string): Promise<void> {
  for (const table of ['customer_category_day', 'customer_seller_day', 'customer_channel_day', 'customer_order_fact']) {
    await tx.query(`DELETE FROM ${table} WHERE customer_id = $1`, [customerId]);
  }
  await tx.query('UPDATE customer_trait SET last_seen_at = NULL WHERE customer_id = $1', [customerId]);
}

/** Decayed interest per category or seller at `tRef`, summed in day order (a fixed order: exact repeats). */
const decayed = (table: string, column: string) => `
  SELECT ${column} AS "targetId",
         sum(weight * power(0.5::float8, ((($2::timestamptz AT TIME ZONE 'UTC')::date - day)::float8) / ${AFFINITY_HALF_LIFE_DAYS}) ORDER BY day)::float8 AS score
    FROM ${table}
   WHERE customer_id = $1 AND day <= ($2::timestamptz AT TIME ZONE 'UTC')::date
     AND day > ($2::timestamptz AT TIME ZONE 'UTC')::date - 365
   GROUP BY ${column}`;

/** A customer's aggregates as the model reads them at `tRef`; null when they have no trait row. */
export async function readTraitInputs(q: Queryable, customerId: string, tRef: Date): Promise<TraitInputs | null> {
  const [trait]: { lastSeenAt: Date | null }[] = await q.query('SELECT last_seen_at AS "lastSeenAt" FROM customer_trait WHERE customer_id = $1', [
    customerId,
  ]);
  if (!trait) return null;
  const [orders]: { lastOrderAt: Date | null; orders: number; monetary: number; discounted: number }[] = await q.query(
    `SELECT max(paid_at) FILTER (WHERE NOT cancelled) AS "lastOrderAt",
            count(*) FILTER (WHERE NOT cancelled AND paid_at > $2::timestamptz - interval '365 days')::int AS orders,
            coalesce(sum(total) FILTER (WHERE NOT cancelled AND paid_at > $2::timestamptz - interval '365 days'), 0)::float8 AS monetary,
            count(*) FILTER (WHERE NOT cancelled AND discount > 0 AND paid_at > $2::timestamptz - interval '365 days')::int AS discounted
       FROM customer_order_fact WHERE customer_id = $1 AND paid_at <= $2::timestamptz`,
    [customerId, tRef],
  );
  const categories: ScoredTarget[] = await q.query(decayed('customer_category_day', 'category_id'), [customerId, tRef]);
  const sellers: ScoredTarget[] = await q.query(decayed('customer_seller_day', 'seller_id'), [customerId, tRef]);
  const channels: { channel: string; events: number }[] = await q.query(
    `SELECT channel, sum(events)::int AS events FROM customer_channel_day
      WHERE customer_id = $1 AND day <= ($2::timestamptz AT TIME ZONE 'UTC')::date
        AND day > ($2::timestamptz AT TIME ZONE 'UTC')::date - 90
      GROUP BY channel`,
    [customerId, tRef],
  );
  return {
    tRef,
    lastOrderAt: orders?.lastOrderAt ?? null,
    orders365: orders?.orders ?? 0,
    monetary365: orders?.monetary ?? 0,
    discounted365: orders?.discounted ?? 0,
    lastSeenAt: trait.lastSeenAt,
    categories,
    sellers,
    channels,
  };
}

/** Writes evaluated traits and affinities; `updated_at` is their reference time. */
export async function storeTraits(tx: Queryable, customerId: string, traits: Traits): Promise<void> {
  await tx.query(
    `UPDATE customer_trait SET last_order_at = $2, orders_365 = $3, monetary_365 = $4, avg_order_value = $5, predicted_value_12m = $6,
            churn_risk = $7, price_sensitivity = $8, channel_mix = $9, updated_at = $10
      WHERE customer_id = $1`,
    [
      customerId,
      traits.lastOrderAt,
      traits.orders365,
      traits.monetary365,
      traits.avgOrderValue,
      traits.predictedValue12m,
      traits.churnRisk,
      traits.priceSensitivity,
      JSON.stringify(traits.channelMix),
      traits.evaluatedAt,
    ],
  );
  for (const [table, column, targets] of [
    ['customer_category_affinity', 'category_id', traits.categories],
    ['customer_seller_affinity', 'seller_id', traits.sellers],
  ] as const) {
    await tx.query(`DELETE FROM ${table} WHERE customer_id = $1`, [customerId]);
    if (targets.length) {
      await tx.query(
        `INSERT INTO ${table} (customer_id, ${column}, score) SELECT $1, u.id, u.score FROM unnest($2::uuid[], $3::real[]) AS u(id, score)`,
        [customerId, targets.map((t) => t.targetId), targets.map((t) => t.score)],
      );
    }
  }
}

/**
 * Creates (when new) and locks a customer's trait row: every change to their aggregates happens under
 * this lock, so concurrent batches of one customer apply one after the other and each evaluation sees
 * every committed event before it.
 */
export async function lockTraitRow(tx: Queryable, customerId: string): Promise<{ updatedAt: Date }> {
  await tx.query('INSERT INTO customer_trait (customer_id) VALUES ($1) ON CONFLICT (customer_id) DO NOTHING', [customerId]);
  const [row] = await tx.query('SELECT updated_at AS "updatedAt" FROM customer_trait WHERE customer_id = $1 FOR NO KEY UPDATE', [customerId]);
  return row;
}

/** The incremental step: add new events to the (locked) customer's aggregates and store the traits at `tRef`. */
export async function updateTraits(tx: Queryable, customerId: string, selection: EventSelection, tRef: Date): Promise<Traits> {
  await addToAggregates(tx, customerId, selection);
  const traits = evaluateTraits((await readTraitInputs(tx, customerId, tRef))!);
  await storeTraits(tx, customerId, traits);
  return traits;
}

/** Everything individual the module holds about a customer, for a withdrawal of consent or an erasure. */
export async function deleteIndividualData(tx: Queryable, customerId: string): Promise<void> {
  for (const table of [
    'customer_category_affinity',
    'customer_seller_affinity',
    'customer_category_day',
    'customer_seller_day',
    'customer_channel_day',
    'customer_order_fact',
    'customer_trait',
    'touchpoint_event',
  ]) {
    await tx.query(`DELETE FROM ${table} WHERE customer_id = $1`, [customerId]);
  }
}
