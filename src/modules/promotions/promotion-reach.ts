import type { Context } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { userError, UserErrors } from '../../core/user-error';
import { queryCanceled } from '../../db/pg-errors';
import { withTransaction } from '../../db/transaction';
import { personalizationConsented } from '../customers';
import { audienceSql } from './promotion-eligibility';
import { compileRule, needsTraitRow, SqlParams, type TargetingRule } from './targeting-rule';

/** Below this, a reach is reported as 0: a count of one or two would single people out. */
export const REACH_THRESHOLD = 10;

/**
 * The bound of one count (promotionPreview is called while a seller types): past it the rule is refused
 * as too costly rather than holding a connection. JIT compilation is off: on these counts it cost more
 * than it saved (seconds on the first call after a bulk load, bench/RESULTS.md promotion-preview-bench).
 */
export const REACH_TIMEOUT_MS = 2_000;

/**
 * How many customers `rule` reaches now for `sellerId` (promotionPreview): a count, never who.
 * A rule only customers with a trait row can match is counted from `customer_trait` with the consent
 * still checked (a trait row exists only for a customer who has it and is not erased: withdrawal and
 * erasure delete it in their own transaction, personalization README), so the 100k-row scan of
 * `customer` is gone. Other rules are counted over every targetable customer.
 * Test: promotions/promotion-reach.test.ts (both ways count the same).
 */
export async function countReach(ctx: Context, rule: TargetingRule, sellerId: string): Promise<{ customers: number; suppressed: boolean }> {
  const params = new SqlParams();
  const sql = needsTraitRow(rule)
    ? `SELECT count(*)::int AS n FROM customer_trait t WHERE ${personalizationConsented('t.customer_id')} AND ${compileRule(rule, params, sellerId, 't.customer_id')}`
    : `SELECT count(*)::int AS n FROM ${audienceSql.from} WHERE ${audienceSql.where('c.id')} AND ${compileRule(rule, params, sellerId)}`;
  let n: number;
  try {
    n = await withTransaction(ctx, async ({ tx }) => {
      await tx.query(`SELECT set_config('statement_timeout', '${REACH_TIMEOUT_MS}', true), set_config('jit', 'off', true)`);
      const [row]: { n: number }[] = await tx.query(sql, params.values);
      return row!.n;
    });
  } catch (err) {
    if (!queryCanceled(err)) throw err;
    throw new UserErrors([userError(['input', 'targeting'], 'This rule takes too long to count; make it simpler.', ErrorCode.LIMIT_EXCEEDED)]);
  }
  return n < REACH_THRESHOLD ? { customers: 0, suppressed: n > 0 } : { customers: n, suppressed: false };
}
