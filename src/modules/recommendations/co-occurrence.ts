import { addToList } from '../../core/batch';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The item-to-item counts both recommendations keep, over "baskets" of products: checkouts for also-bought,
 * a customer's day of product views for also-viewed (co-purchase.ts, co-view.ts explain each).
 *
 * - n(a): baskets with a (`counts`); n(a, b): baskets with both (`pairs`, stored both ways).
 * - similarity(a, b) = n(a, b) / √(n(a) × n(b)) (cosine of the products' basket vectors), only for pairs seen
 *   in at least MIN_SUPPORT baskets: raw counts would recommend the best-sellers for everything, and a single
 *   co-occurrence is noise.
 * - `top` keeps each product's TOP_N by similarity, among its CANDIDATES most frequent partners, so a lookup
 *   reads at most TOP_N rows by primary key whatever the catalog's size. Visibility is applied on read.
 */
export const MIN_SUPPORT = 2;
export const TOP_N = 20;
export const CANDIDATES = 500;

/** The tables of one kind of co-occurrence (names are constants of this module, never input). */
export interface CoTables {
  items: string;
  basket: string;
  /** The SQL type of the basket column. */
  basketType: 'uuid' | 'text';
  counts: string;
  pairs: string;
  top: string;
}

export const PURCHASES: CoTables = { items: 'basket_item', basket: 'checkout_id', basketType: 'uuid', counts: 'product_basket_count', pairs: 'product_pair', top: 'also_bought' };
export const VIEWS: CoTables = { items: 'view_session_item', basket: 'session_id', basketType: 'text', counts: 'product_view_count', pairs: 'product_view_pair', top: 'also_viewed' };

/** The INSERT of the top lists of products `$2` (all: every product) from the pair counts ($1: minimum support). */
const insertTopListsSql = (t: CoTables, all: boolean) => `
  INSERT INTO ${t.top} (product_id, rank, other_id, co_count, score)
  SELECT a, rank, b, count, score FROM (
    SELECT x.product_id AS a, pp.b, pp.count, (pp.count / sqrt(x.baskets::float8 * cb.baskets))::real AS score,
           row_number() OVER (PARTITION BY x.product_id
             ORDER BY pp.count / sqrt(x.baskets::float8 * cb.baskets) DESC, pp.count DESC, pp.b) AS rank
      FROM ${t.counts} x
      CROSS JOIN LATERAL (SELECT p.b, p.count FROM ${t.pairs} p WHERE p.a = x.product_id AND p.count >= $1
                           ORDER BY p.count DESC, p.b LIMIT ${CANDIDATES}) pp
      JOIN ${t.counts} cb ON cb.product_id = pp.b
     WHERE ${all ? 'true' : 'x.product_id = ANY($2)'}
  ) ranked WHERE rank <= ${TOP_N}`;

/** Recomputes the top lists of `productIds` (null: all) from the pair counts. */
export async function refreshTopLists(tx: EntityManager | DataSource, t: CoTables, productIds: readonly string[] | null, minSupport = MIN_SUPPORT): Promise<void> {
  const all = productIds === null;
  await tx.query(all ? `DELETE FROM ${t.top}` : `DELETE FROM ${t.top} WHERE product_id = ANY($1)`, all ? [] : [productIds]);
  await tx.query(insertTopListsSql(t, all), all ? [minSupport] : [minSupport, productIds]);
}

/**
 * Adds products to baskets (basket → products): those not in their basket yet count for the product, pair
 * with each earlier product of the basket and with each other once, and the top lists of the baskets'
 * products are refreshed. The caller makes it happen once per source (an order, a touchpoint) in its
 * transaction. Any number of baskets in the same four statements (a dispatch round's checkouts: issue 14),
 * each table written once, its rows in key order; every transaction writes the tables in the same order,
 * so two never wait on each other in a cycle.
 */
export async function addToBaskets(tx: EntityManager, t: CoTables, products: ReadonlyMap<string, readonly string[]>): Promise<void> {
  const baskets = [...products.keys()].sort();
  if (!baskets.length) return;
  // One basket grows by one source at a time (an order's hooks, or a batch's, may run side by side); locked in key order.
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended(k, 12)) FROM unnest($1::text[]) k ORDER BY k', [baskets.map((b) => `${t.items}:${b}`)]);
  const rows: { basket: string; productId: string }[] = await tx.query(
    `SELECT ${t.basket}::text AS basket, product_id AS "productId" FROM ${t.items} WHERE ${t.basket} = ANY($1::${t.basketType}[]) ORDER BY 1, 2`,
    [baskets],
  );
  const before = new Map<string, string[]>();
  for (const r of rows) addToList(before, r.basket, r.productId);
  const items: { basket: string; productId: string }[] = [];
  const as: string[] = [];
  const bs: string[] = [];
  // The products whose top lists may move: those of the baskets that gained something.
  const touched = new Set<string>();
  const pair = (a: string, b: string) => {
    as.push(a, b);
    bs.push(b, a);
  };
  for (const basket of baskets) {
    const earlier = before.get(basket) ?? [];
    const known = new Set(earlier);
    const added = [...new Set(products.get(basket))].filter((p) => !known.has(p)).sort();
    if (added.length) for (const p of [...earlier, ...added]) touched.add(p);
    added.forEach((a, i) => {
      items.push({ basket, productId: a });
      for (const b of earlier) pair(a, b);
      for (const b of added.slice(i + 1)) pair(a, b);
    });
  }
  if (!items.length) return;
  // The items, the counts, the pairs and the removal of the touched products' top lists in one statement (three
  // round trips fewer; bench/notes-events-cpu.md): sibling CTEs, each writing its own table from the parameters
  // alone (none reads what another writes), run to completion in the order written, rows in key order as
  // before; the top lists' INSERT reads the new counts and pairs, so it stays a statement of its own after.
  const touchedIds = [...touched].sort();
  await tx.query(
    `WITH items AS (INSERT INTO ${t.items} (${t.basket}, product_id) SELECT * FROM unnest($1::${t.basketType}[], $2::uuid[])),
          counts AS (INSERT INTO ${t.counts} AS c (product_id, baskets) SELECT p, count(*) FROM unnest($2::uuid[]) p GROUP BY p ORDER BY p
                     ON CONFLICT (product_id) DO UPDATE SET baskets = c.baskets + EXCLUDED.baskets),
          pairs AS (INSERT INTO ${t.pairs} AS p (a, b, count)
                    SELECT a, b, count(*)::int FROM unnest($3::uuid[], $4::uuid[]) n(a, b) GROUP BY a, b ORDER BY a, b
                    ON CONFLICT (a, b) DO UPDATE SET count = p.count + EXCLUDED.count),
          stale AS (DELETE FROM ${t.top} WHERE product_id = ANY($5::uuid[]))
     SELECT 1`,
    [items.map((i) => i.basket), items.map((i) => i.productId), as, bs, touchedIds],
  );
  await tx.query(insertTopListsSql(t, false), [MIN_SUPPORT, touchedIds]);
}

/** Counts, pairs and top lists from the items table as it stands (a rebuild's second half; bench/also-bought.ts). */
export async function recountFromItems(tx: EntityManager, t: CoTables, minSupport = MIN_SUPPORT): Promise<void> {
  await tx.query(`TRUNCATE ${t.counts}, ${t.pairs}, ${t.top}`);
  await tx.query(`INSERT INTO ${t.counts} (product_id, baskets) SELECT product_id, count(*) FROM ${t.items} GROUP BY product_id`);
  await tx.query(
    `INSERT INTO ${t.pairs} (a, b, count)
     SELECT x.product_id, y.product_id, count(*) FROM ${t.items} x
       JOIN ${t.items} y ON y.${t.basket} = x.${t.basket} AND y.product_id <> x.product_id
      GROUP BY x.product_id, y.product_id`,
  );
  await refreshTopLists(tx, t, null, minSupport);
}
