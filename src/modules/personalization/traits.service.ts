import type { AppServices, Context } from '../../core/context';
import { forbidden } from '../../core/errors';
import { withTransaction } from '../../db/transaction';
import { explainTraits } from './trait-explanations';
import { evaluateTraits } from './trait-model';
import { addToAggregates, clearAggregates, lockTraitRow, readTraitInputs, storeTraits } from './trait-store';
import type { CustomerTraits } from './traits.type';

/**
 * A customer's traits, evaluated now from their aggregates, for the customer themselves and the operator
 * only: a seller or another customer is refused (issue 10: sellers target rules, never read people).
 * Null without the personalization consent (nothing individual is kept).
 */
export async function traitsOf(ctx: Context, customerUuid: string): Promise<CustomerTraits | null> {
  const { viewer } = ctx;
  const self = viewer.kind === 'customer' && viewer.customerId === customerUuid;
  if (!self && viewer.kind !== 'admin') throw forbidden("Only the customer and the operator see a customer's traits.");
  const inputs = await readTraitInputs(ctx.db, customerUuid, new Date());
  return inputs && explainTraits(evaluateTraits(inputs), ctx.config.currency);
}

export interface RecomputeOptions {
  /** Evaluate at this time; by default at each customer's last update (then the result equals the incremental one). */
  at?: Date;
  /** Customers per page of the scan. */
  pageSize?: number;
}

/**
 * `zoco traits --recompute`: for every customer with traits, empties their aggregates, rebuilds them from
 * all their stored events and evaluates the model, each customer in its own short transaction under the
 * same row lock the incremental update takes. Returns how many customers were recomputed.
 */
export async function recomputeTraits(app: AppServices, { at, pageSize = 500 }: RecomputeOptions = {}): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let done = 0;
  for (;;) {
    const page: { customerId: string }[] = await app.db.query(
      'SELECT customer_id AS "customerId" FROM customer_trait WHERE customer_id > $1 ORDER BY customer_id LIMIT $2',
      [after, pageSize],
    );
    for (const { customerId } of page) {
      await withTransaction(app, async ({ tx }) => {
        const { updatedAt } = await lockTraitRow(tx, customerId);
        await clearAggregates(tx, customerId);
        await addToAggregates(tx, customerId, 'all');
        const inputs = await readTraitInputs(tx, customerId, at ?? updatedAt);
        await storeTraits(tx, customerId, evaluateTraits(inputs!));
      });
      done++;
    }
    if (page.length < pageSize) return done;
    after = page[page.length - 1]!.customerId;
  }
}
