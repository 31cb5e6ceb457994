import type { EntityManager } from 'typeorm';
import { priceDroppedBeforeSql } from '../catalog';
import { AFFINITY_WEIGHT_SQL, EVENT_DAY_SQL } from './touchpoint-weights';
import { evaluateTraits, type ScoredTarget, type TraitInputs, type Traits } from './trait-model';

type Queryable = Pick<EntityManager, 'query'>;

/**
 * Which of a customer's stored events to add to their aggregates: new ones (incremental; `orders` when
 * any of them is about an order; `cancels: false` when none of them is an ORDER_CANCELLED, so addOrderFacts has
 * no cancellation to settle but those it reads as it inserts the paid orders) or all (recompute).
 */
export type EventSelection = { ids: string[]; orders: boolean; cancels?: boolean } | 'all';

/** Half-life of interest in a category or seller, days (README, "Affinity"). */
export const AFFINITY_HALF_LIFE_DAYS = 30;

/**
 * A purchase of a product at most this many days after a price drop on one of its listings counts as a
 * reaction to the drop (README, "price sensitivity"): two weeks covers a shopper who watched the price
 * and came back, without crediting a drop with every later purchase of a long-reduced product.
 */
export const PRICE_DROP_WINDOW_DAYS = 14;

/**
 * The day aggregates of the events `source` selects (SQL over `touchpoint_event` columns, with the
 * customer as $1), as data-modifying CTEs: integer sums per key, each table written once, in key order
 * (concurrent writers of one key never deadlock), and (unless `lastSeen` is false: a statement that
 * already writes the trait row, where a second write of it would be lost, moves it on with the traits)
 * the customer's last-seen time moved on.
 */
export function dayAggregateCtes(source: string, { lastSeen = true }: { lastSeen?: boolean } = {}): string {
  const perDay = (table: string, column: string) => `
    INSERT INTO ${table} (customer_id, ${column}, day, weight)
    SELECT $1, e.${column}, ${EVENT_DAY_SQL}, sum(${AFFINITY_WEIGHT_SQL})::int
      FROM picked e WHERE e.${column} IS NOT NULL AND ${AFFINITY_WEIGHT_SQL} > 0
     GROUP BY 2, 3 ORDER BY 2, 3
    ON CONFLICT (customer_id, ${column}, day) DO UPDATE SET weight = ${table}.weight + EXCLUDED.weight`;
  return `picked AS MATERIALIZED (${source}),
    category_days AS (${perDay('customer_category_day', 'category_id')}),
    seller_days AS (${perDay('customer_seller_day', 'seller_id')}),
    channel_days AS (
      INSERT INTO customer_channel_day (customer_id, channel, day, events)
      SELECT $1, e.channel, ${EVENT_DAY_SQL}, count(*)::int
        FROM picked e WHERE e.source = 'client'
       GROUP BY 2, 3 ORDER BY 2, 3
      ON CONFLICT (customer_id, channel, day) DO UPDATE SET events = customer_channel_day.events + EXCLUDED.events)${
      lastSeen
        ? `,
    last_seen AS (
      UPDATE customer_trait SET last_seen_at = greatest(last_seen_at, (SELECT max(e.occurred_at) FROM picked e))
       WHERE customer_id = $1)`
        : ''
    }`;
}

/**
 * Adds the selected events of a customer to their integer aggregates. The same statements serve the
 * incremental update (a batch's new events) and the recompute (all of them, on emptied aggregates):
 * sums of integers per key, so the result does not depend on how the events were split or ordered.
 */
export async function addToAggregates(tx: Queryable, customerId: string, selection: EventSelection): Promise<void> {
  const filter = selection === 'all' ? 'e.customer_id = $1' : 'e.customer_id = $1 AND e.id = ANY($2::uuid[])';
  const params = selection === 'all' ? [customerId] : [customerId, selection.ids];
  await tx.query(`WITH ${dayAggregateCtes(`SELECT e.* FROM touchpoint_event e WHERE ${filter}`)} SELECT 1`, params);
  if (selection === 'all' || selection.orders) await addOrderFacts(tx, customerId, selection);
}

/** The order facts of the selected ORDER_PAID / ORDER_CANCELLED events (run after they are stored). */
export async function addOrderFacts(tx: Queryable, customerId: string, selection: EventSelection): Promise<void> {
  const filter = selection === 'all' ? 'e.customer_id = $1' : 'e.customer_id = $1 AND e.id = ANY($2::uuid[])';
  const params = selection === 'all' ? [customerId] : [customerId, selection.ids];
  // An order is paid once per line event (order.paid records one touchpoint per line, the discount on the first).
  // A line bought on a price drop is decided per event from its own time and the catalog's drop history,
  // which only gains drops stamped later than the purchases already recorded (the order.paid hook runs after
  // the payment commits): OR-ed over any split of the lines, equal to a recompute over all of them.
  await tx.query(
    `INSERT INTO customer_order_fact (customer_id, order_id, paid_at, total, discount, bought_on_price_drop, cancelled)
     SELECT $1, e.order_id, min(e.occurred_at), sum(coalesce(e.amount, 0)), sum(coalesce(e.discount, 0)),
            bool_or(${priceDroppedBeforeSql('e.product_id', 'e.occurred_at', PRICE_DROP_WINDOW_DAYS)}),
            EXISTS (SELECT 1 FROM touchpoint_event c WHERE c.customer_id = $1 AND c.order_id = e.order_id AND c.type = 'ORDER_CANCELLED')
       FROM touchpoint_event e WHERE ${filter} AND e.type = 'ORDER_PAID' AND e.order_id IS NOT NULL
      GROUP BY 2 ORDER BY 2
     ON CONFLICT (customer_id, order_id) DO UPDATE SET paid_at = least(customer_order_fact.paid_at, EXCLUDED.paid_at),
       total = customer_order_fact.total + EXCLUDED.total, discount = customer_order_fact.discount + EXCLUDED.discount,
       bought_on_price_drop = customer_order_fact.bought_on_price_drop OR EXCLUDED.bought_on_price_drop,
       cancelled = customer_order_fact.cancelled OR EXCLUDED.cancelled`,
    params,
  );
  // Whichever of paid and cancelled arrives last (hooks are at least once, in any order) settles it: a paid order's
  // cancellation that came first is read by the insert above; a batch with cancellations marks the orders they name.
  // Without any (a purchase's order.paid: `cancels: false`) this statement would change nothing: one round trip
  // fewer per purchase (bench/RESULTS.md, events-cost).
  if (selection !== 'all' && selection.cancels === false) return;
  await tx.query(
    `UPDATE customer_order_fact f SET cancelled = true
      WHERE f.customer_id = $1 AND NOT f.cancelled
        AND f.order_id IN (SELECT e.order_id FROM touchpoint_event e WHERE ${filter} AND e.order_id IS NOT NULL)
        AND EXISTS (SELECT 1 FROM touchpoint_event c WHERE c.customer_id = $1 AND c.order_id = f.order_id AND c.type = 'ORDER_CANCELLED')`,
    params,
  );
}

/** Whether any of these touchpoint types changes the customer's order facts. */
export const touchesOrders = (types: Iterable<string>) => [...types].some((t) => t === 'ORDER_PAID' || t === 'ORDER_CANCELLED');

/** Empties a customer's aggregates, for a recompute. */
export async function clearAggregates(tx: Queryable, customerId: string): Promise<void> {
  for (const table of ['customer_category_day', 'customer_seller_day', 'customer_channel_day', 'customer_order_fact']) {
    await tx.query(`DELETE FROM ${table} WHERE customer_id = $1`, [customerId]);
  }
  await tx.query('UPDATE customer_trait SET last_seen_at = NULL WHERE customer_id = $1', [customerId]);
}

/** Decayed interest per category or seller at `tRef` ($2), summed in day order (a fixed order: exact repeats), as JSON. */
const decayed = (table: string, column: string) => `
  (SELECT coalesce(json_agg(json_build_object('targetId', x.id, 'score', x.score)), '[]') FROM (
     SELECT ${column} AS id,
            sum(weight * power(0.5::float8, ((($2::timestamptz AT TIME ZONE 'UTC')::date - day)::float8) / ${AFFINITY_HALF_LIFE_DAYS}) ORDER BY day)::float8 AS score
       FROM ${table}
      WHERE customer_id = $1 AND day <= ($2::timestamptz AT TIME ZONE 'UTC')::date
        AND day > ($2::timestamptz AT TIME ZONE 'UTC')::date - 365
      GROUP BY ${column}) x)`;

/**
 * A customer's aggregates as the model reads them at `tRef`, in one statement; null when they have no
 * trait row. Scores travel as JSON numbers, which PostgreSQL prints exactly (shortest round-trip form).
 * `seenUpTo`: a last-seen time not yet stored (a batch's newest event; storeTraits stores it).
 */
export async function readTraitInputs(q: Queryable, customerId: string, tRef: Date, seenUpTo: Date | null = null): Promise<TraitInputs | null> {
  const [row]: {
    lastSeenAt: Date | null;
    lastOrderAt: Date | null;
    orders: number;
    monetary: number;
    priceDriven: number;
    afterPriceDrop: number;
    categories: ScoredTarget[];
    sellers: ScoredTarget[];
    channels: { channel: string; events: number }[];
  }[] = await q.query(
    `SELECT greatest(t.last_seen_at, $3::timestamptz) AS "lastSeenAt", o.*,
            ${decayed('customer_category_day', 'category_id')} AS categories,
            ${decayed('customer_seller_day', 'seller_id')} AS sellers,
            (SELECT coalesce(json_agg(json_build_object('channel', c.channel, 'events', c.events)), '[]') FROM (
               SELECT channel, sum(events)::int AS events FROM customer_channel_day
                WHERE customer_id = $1 AND day <= ($2::timestamptz AT TIME ZONE 'UTC')::date
                  AND day > ($2::timestamptz AT TIME ZONE 'UTC')::date - 90
                GROUP BY channel) c) AS channels
       FROM customer_trait t,
            LATERAL (SELECT max(paid_at) FILTER (WHERE NOT cancelled) AS "lastOrderAt",
                            count(*) FILTER (WHERE NOT cancelled AND paid_at > $2::timestamptz - interval '365 days')::int AS orders,
                            coalesce(sum(total) FILTER (WHERE NOT cancelled AND paid_at > $2::timestamptz - interval '365 days'), 0)::float8 AS monetary,
                            count(*) FILTER (WHERE NOT cancelled AND (discount > 0 OR bought_on_price_drop) AND paid_at > $2::timestamptz - interval '365 days')::int AS "priceDriven",
                            count(*) FILTER (WHERE NOT cancelled AND bought_on_price_drop AND paid_at > $2::timestamptz - interval '365 days')::int AS "afterPriceDrop"
                       FROM customer_order_fact WHERE customer_id = $1 AND paid_at <= $2::timestamptz) o
      WHERE t.customer_id = $1`,
    [customerId, tRef, seenUpTo],
  );
  if (!row) return null;
  return {
    tRef,
    lastOrderAt: row.lastOrderAt,
    orders365: row.orders,
    monetary365: row.monetary,
    priceDriven365: row.priceDriven,
    afterPriceDrop365: row.afterPriceDrop,
    lastSeenAt: row.lastSeenAt,
    categories: row.categories,
    sellers: row.sellers,
    channels: row.channels,
  };
}

/**
 * Writes evaluated traits (with the last-seen time they were evaluated with) and affinities in one
 * statement (`updated_at` is their reference time): affinities no longer among the strongest are deleted,
 * the others upserted (disjoint keys, so the statement's parts never meet). `also`: one more
 * data-modifying CTE of the caller's for the same round trip, its parameters from $16 on.
 */
export async function storeTraits(tx: Queryable, customerId: string, traits: Traits, also?: { cte: string; params: unknown[] }): Promise<void> {
  const affinity = (table: string, column: string, ids: string, scores: string) => `
    ${table}_gone AS (DELETE FROM ${table} WHERE customer_id = $1 AND NOT (${column} = ANY(${ids}::uuid[]))),
    ${table}_kept AS (
      INSERT INTO ${table} (customer_id, ${column}, score)
      SELECT $1, u.id, u.score FROM unnest(${ids}::uuid[], ${scores}::real[]) AS u(id, score) ORDER BY u.id
      ON CONFLICT (customer_id, ${column}) DO UPDATE SET score = EXCLUDED.score)`;
  await tx.query(
    `WITH ${affinity('customer_category_affinity', 'category_id', '$11', '$12')},
          ${affinity('customer_seller_affinity', 'seller_id', '$13', '$14')}${also ? `,
          ${also.cte}` : ''}
     UPDATE customer_trait SET last_order_at = $2, orders_365 = $3, monetary_365 = $4, avg_order_value = $5, predicted_value_12m = $6,
            churn_risk = $7, price_sensitivity = $8, channel_mix = $9, updated_at = $10, last_seen_at = $15
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
      traits.categories.map((c) => c.targetId),
      traits.categories.map((c) => c.score),
      traits.sellers.map((c) => c.targetId),
      traits.sellers.map((c) => c.score),
      traits.lastSeenAt,
      ...(also?.params ?? []),
    ],
  );
}

/**
 * Creates (when new) and locks a customer's trait row in one statement: every change to their aggregates
 * happens under this lock, so concurrent batches of one customer apply one after the other and each
 * evaluation sees every committed event before it. (The no-op update of a non-key column takes the
 * same FOR NO KEY UPDATE lock as any other.)
 */
export async function lockTraitRow(tx: Queryable, customerId: string): Promise<{ updatedAt: Date }> {
  const [row] = await tx.query(
    `INSERT INTO customer_trait (customer_id) VALUES ($1)
     ON CONFLICT (customer_id) DO UPDATE SET updated_at = customer_trait.updated_at
     RETURNING updated_at AS "updatedAt"`,
    [customerId],
  );
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
