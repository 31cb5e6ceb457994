import type { Context } from '../../core/context';
import { personalizationConsented } from '../customers';
import { compileRule, SqlParams, type TargetingRule } from './targeting-rule';

/**
 * Customers a targeting rule may consider: not erased, with the personalization consent (issue 10: nothing
 * is targeted at anyone without it). Their traits are joined when they have any (a new customer may not).
 */
const TARGETABLE = `customer c LEFT JOIN customer_trait t ON t.customer_id = c.id`;
const targetable = (customer: string) => `c.erased_at IS NULL AND ${personalizationConsented(customer)}`;
/** The same, for the offer engine's walk over a promotion's audience (promotion-audience.ts). */
export const audienceSql = { from: TARGETABLE, where: targetable };

/** Whether `customerId` matches `rule` of a promotion of `sellerId` now: one query, whatever the rule. */
export async function customerMatches(ctx: Context, rule: TargetingRule, customerId: string, sellerId: string): Promise<boolean> {
  const params = new SqlParams([customerId]);
  const predicate = compileRule(rule, params, sellerId);
  const db = ctx.tx ?? ctx.db;
  const [row] = await db.query(`SELECT EXISTS (SELECT 1 FROM ${TARGETABLE} WHERE c.id = $1::uuid AND ${targetable('c.id')} AND ${predicate}) AS ok`, params.values);
  return row.ok === true;
}
