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

/**
 * The customer whose category affinities nudge this search (their id), or null when nothing is read: a guest, the
 * `personalized: false` argument, AFFINITY_WEIGHT = 0, or no affinity table. The affinities themselves are read by
 * the page's own statement (`affinitySql`), not before it: a customer's search had waited for that read, one round
 * trip, before its page and counts started.
 */
export async function personalizedFor(ctx: Context, personalized: boolean): Promise<string | null> {
  if (!personalized || AFFINITY_WEIGHT === 0 || ctx.viewer.kind !== 'customer' || !(await affinityTableExists(ctx))) return null;
  return ctx.viewer.customerId;
}

/**
 * The customer's (`customer`: SQL of their id) strongest affinities, each relative to the strongest (0..1): rows
 * (category_id, score), only with the personalization consent. A customer without any nudges nothing: the score
 * is multiplied by 1 + AFFINITY_WEIGHT × 0, exactly 1.
 */
export function affinitySql(customer: string): string {
  return `SELECT a.category_id, (a.score / max(a.score) OVER ())::float8 AS score
       FROM customer_category_affinity a
       JOIN customer_consent c ON c.customer_id = a.customer_id AND c.kind = 'personalization' AND c.granted
      WHERE a.customer_id = ${customer} AND a.score > 0
      ORDER BY a.score DESC, a.category_id LIMIT ${MAX_AFFINITIES}`;
}
