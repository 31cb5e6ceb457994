import type { Context } from '../../core/context';
import { PROMOTION_COLUMNS, type PromotionRow } from './promotion.rows';
import { audienceSql } from './promotion-eligibility';
import { runningSql } from './promotion-start';
import { compileRule, SqlParams } from './targeting-rule';

/**
 * What the offer engine reads of a promotion when it starts or its targeting changes (issue 16): the row
 * while the promotion runs (active, started, not ended), else null. Other modules do not read `promotion`.
 * By `ctx.now()`, the clock the start was announced by (promotion-start.ts): a start announced by one
 * clock is never found "not started" by another.
 */
export async function runningPromotion(ctx: Context, promotionId: string): Promise<PromotionRow | null> {
  const [row]: PromotionRow[] = await (ctx.tx ?? ctx.db).query(`SELECT ${PROMOTION_COLUMNS} FROM promotion pr WHERE pr.id = $1 AND ${runningSql('$2')}`, [
    promotionId,
    ctx.now(),
  ]);
  return row ?? null;
}

/**
 * One keyset page of the customers a promotion's targeting reaches (consenting, not erased: the same
 * compiled predicate as `customerFacts` and `countReach`), ids after `after` in id order, at most `limit`.
 */
export async function targetedCustomersAfter(ctx: Context, promotion: Pick<PromotionRow, 'sellerId' | 'targeting'>, after: string, limit: number): Promise<string[]> {
  if (!promotion.targeting) return [];
  const params = new SqlParams([after, limit]);
  const predicate = compileRule(promotion.targeting, params, promotion.sellerId);
  const rows: { id: string }[] = await (ctx.tx ?? ctx.db).query(
    `SELECT c.id FROM ${audienceSql.from} WHERE c.id > $1::uuid AND ${audienceSql.where('c.id')} AND ${predicate} ORDER BY c.id LIMIT $2::int`,
    params.values,
  );
  return rows.map((r) => r.id);
}
