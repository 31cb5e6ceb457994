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
 * Whether `customerId` matches `rule` of a promotion of `sellerId` now: one query, whatever the rule. Prepared
 * (mayPrepare: the text is the rule's shape, its values are parameters): planned on every call, it cost 0.175 ms
 * to plan and 0.03 ms to run per targeted promotion of a checkout (pg_stat_statements, bench:checkout's buyNow
 * phase, bench/RESULTS.md section `checkout-db2`); a connection keeps the generic plan after five runs.
 */
export async function customerMatches(ctx: Context, rule: TargetingRule, customerId: string, sellerId: string): Promise<boolean> {
  const params = new SqlParams([customerId]);
  const predicate = compileRule(rule, params, sellerId);
  const text = `SELECT EXISTS (SELECT 1 FROM ${TARGETABLE} WHERE c.id = $1::uuid AND ${targetable('c.id')} AND ${predicate}) AS ok`;
  let rows: { ok: boolean }[];
  if (!mayPrepare(text)) rows = await (ctx.tx ?? ctx.db).query(text, params.values);
  else if (ctx.tx) rows = await preparedTxQuery(ctx.tx, text, params.values);
  else rows = await preparedQuery(ctx.db, text, params.values);
  return rows[0]?.ok === true;
}
