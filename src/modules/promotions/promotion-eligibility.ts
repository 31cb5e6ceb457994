import type { Context } from '../../core/context';
import { personalizationConsented } from '../customers';
import { compileRule, SqlParams, type TargetingRule } from './targeting-rule';
import { mayPrepare, preparedQuery, preparedTxQuery } from '../../db/prepared-query';

/**
 * Customers a targeting rule may consider: not erased, with the personalization consent (issue 10: nothing
 * is targeted at anyone without it). Their traits are joined when they have any (a new customer may not).
 */
const TARGETABLE = `customer c LEFT JOIN customer_trait t ON t.customer_id = c.id`;
const targetable = (customer: string) => `c.erased_at IS NULL AND ${personalizationConsented(customer)}`;
/** The same, for the offer engine's walk over a promotion's audience (promotion-audience.ts). */
export const audienceSql = { from: TARGETABLE, where: targetable };

/**
 * The rule of a promotion's uses by a customer: their redemptions not reversed (a cancelled order gives its use
 * back), as rows (promotion_id, n) of the promotions `promotions` (a uuid[] SQL expression) for `customer`.
 */
export const liveRedemptionsSql = (customer: string, promotions: string) =>
  `SELECT promotion_id, count(*)::int AS n FROM promotion_redemption
    WHERE customer_id = ${customer} AND promotion_id = ANY(${promotions}) AND reversed_at IS NULL GROUP BY promotion_id`;

/** What the promotions adjuster needs to know about one customer for a purchase (customerFacts). */
export interface CustomerFacts {
  /** Live (not reversed) redemptions by promotion id, of the promotions asked about. */
  used: Map<string, number>;
  /** Whether the customer matches each rule asked about, in the order asked. */
  matches: boolean[];
}

/**
 * The customer's live redemptions of `limited` promotions and whether they match each of `rules`, in one
 * statement for every seller group of a checkout (issue 14: one statement per group and targeted promotion
 * before). No statement when nothing is asked. Each rule is one column (compileRule's predicate over the
 * targetable customer). Prepared (mayPrepare: the text is the rules' shapes, their values are parameters):
 * planned on every call, one rule cost 0.175 ms to plan and 0.03 ms to run (pg_stat_statements, bench/RESULTS.md
 * section `checkout-db2`); a connection keeps the generic plan after five runs. A text is the shapes of a
 * purchase's rules together, so texts grow with the combinations carts hold; past mayPrepare's cap of 256 per
 * process the rest are planned on each call, as every targeting read was before.
 */
export async function customerFacts(
  ctx: Context,
  customerId: string,
  limited: readonly string[],
  rules: readonly { rule: TargetingRule; sellerId: string }[],
): Promise<CustomerFacts> {
  if (!limited.length && !rules.length) return { used: new Map(), matches: [] };
  const params = new SqlParams([customerId]);
  // The uses only when asked: with an empty array in the text's parameters PostgreSQL kept planning the statement
  // on every call (a custom plan for '{}' looks cheaper than the generic one): 0.10 ms of planning per checkout.
  const columns = limited.length
    ? [
        `ARRAY(SELECT r.promotion_id::text || ':' || r.n FROM (${liveRedemptionsSql('$1::uuid', params.add(limited, 'uuid[]'))}) r) AS used`,
      ]
    : [];
  for (const [i, { rule, sellerId }] of rules.entries()) {
    columns.push(`EXISTS (SELECT 1 FROM ${TARGETABLE} WHERE c.id = $1::uuid AND ${targetable('c.id')} AND ${compileRule(rule, params, sellerId)}) AS m${i}`);
  }
  const text = `SELECT ${columns.join(',\n       ')}`;
  let rows: Record<string, unknown>[];
  if (!mayPrepare(text)) rows = await (ctx.tx ?? ctx.db).query(text, params.values);
  else if (ctx.tx) rows = await preparedTxQuery(ctx.tx, text, params.values);
  else rows = await preparedQuery(ctx.db, text, params.values);
  const row = rows[0]!;
  const used = new Map(((row['used'] as string[] | undefined) ?? []).map((u) => {
    const [id, n] = u.split(':');
    return [id!, Number(n)];
  }));
  return { used, matches: rules.map((_, i) => row[`m${i}`] === true) };
}
