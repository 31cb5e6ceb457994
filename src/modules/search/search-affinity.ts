import type { Context } from '../../core/context';

/**
 * Personalization of RELEVANCE (issue 12): a customer's category affinity nudges the order, and only
 * that of a customer who gave the personalization consent. The affinities come from the
 * personalization module's `customer_category_affinity` (CONTRACTS A; rows exist only for consenting
 * customers, and the consent is checked here too). Affinities are decayed sums of weighted touchpoints
 * (personalization/README.md), so they are taken relative to the customer's strongest (0..1): a product of
 * a category with relative affinity a has its score multiplied by 1 + AFFINITY_WEIGHT × a, a nudge among
 * comparable matches, never enough to lift a poor text match over a good one.
 *
 * Switches: the `personalized: false` argument of `search`, or AFFINITY_WEIGHT = 0. While the table does
 * not exist (the personalization module not installed), nothing is read and nothing nudged.
 */
export const AFFINITY_WEIGHT: number = 0.3;
/** The customer's strongest affinities read per search. */
const MAX_AFFINITIES = 50;

export interface CategoryAffinity {
  categoryIds: string[];
  scores: number[];
}

const tableExists = new WeakMap<object, Promise<boolean>>();

function affinityTableExists(ctx: Context): Promise<boolean> {
  let known = tableExists.get(ctx.db);
  if (!known) {
    known = ctx.db
      .query(`SELECT to_regclass('customer_category_affinity') IS NOT NULL AS exists`)
      .then(([row]: { exists: boolean }[]) => row!.exists);
    tableExists.set(ctx.db, known);
  }
  return known;
}

/** The viewer's category affinities, or null when there is nothing to nudge with. */
export async function categoryAffinity(ctx: Context, personalized: boolean): Promise<CategoryAffinity | null> {
  if (!personalized || AFFINITY_WEIGHT === 0 || ctx.viewer.kind !== 'customer' || !(await affinityTableExists(ctx))) return null;
  const rows: { categoryId: string; score: number }[] = await ctx.db.query(
    `SELECT a.category_id AS "categoryId", (a.score / max(a.score) OVER ())::float8 AS score
       FROM customer_category_affinity a
       JOIN customer_consent c ON c.customer_id = a.customer_id AND c.kind = 'personalization' AND c.granted
      WHERE a.customer_id = $1 AND a.score > 0
      ORDER BY a.score DESC, a.category_id LIMIT ${MAX_AFFINITIES}`,
    [ctx.viewer.customerId],
  );
  if (!rows.length) return null;
  return { categoryIds: rows.map((r) => r.categoryId), scores: rows.map((r) => r.score) };
}
