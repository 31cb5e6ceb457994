import type { Context } from '../../../src/core/context';
import { withTransaction } from '../../../src/db/transaction';
import { customerFacts } from '../../../src/modules/promotions/promotion-eligibility';
import type { TargetingRule } from '../../../src/modules/promotions/targeting-rule';
import { insertCustomers } from '../../helpers/customers';
import { createSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { consentWithTraits } from './promotion-fixtures';

// customerFacts (the targeting of a checkout's promotions) runs as a named statement (mayPrepare): after five runs a
// connection plans it generically, whatever the customer and the rule's values. Its answers must not change with that.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

describe('customerFacts, prepared', () => {
  it('answers each customer and threshold right, call after call, in and out of a transaction', async () => {
    const seller = await createSeller(t);
    const [risky, calm, unconsented] = [await insertCustomers(t, 1), await insertCustomers(t, 1), await insertCustomers(t, 1)];
    await consentWithTraits(t, [risky[0]!.id], { churnRisk: 0.8 });
    await consentWithTraits(t, [calm[0]!.id], { churnRisk: 0.2 });
    await t.app.dataSource.query('INSERT INTO customer_trait (customer_id, churn_risk) VALUES ($1, 0.9)', [unconsented[0]!.id]);
    const ctx = { db: t.app.dataSource } as Context;
    const rule = (min: number): TargetingRule => ({ trait: 'CHURN_RISK', min });
    const matches = async (c: Context, id: string, min: number) => (await customerFacts(c, id, [], [{ rule: rule(min), sellerId: seller.id }])).matches[0];
    const asked: [string, number, boolean][] = [];
    for (let i = 0; i < 8; i++) {
      asked.push(
        [risky[0]!.id, 0.5, true],
        [calm[0]!.id, 0.5, false],
        [unconsented[0]!.id, 0.5, false],
        [risky[0]!.id, 0.85, false],
        [calm[0]!.id, 0.1, true],
      );
    }
    const answers = [];
    for (const [id, min] of asked) answers.push(await matches(ctx, id, min));
    expect(answers).toEqual(asked.map(([, , expected]) => expected));
    const inTx = await withTransaction(ctx, async (c) => {
      const out = [];
      for (const [id, min] of asked.slice(0, 10)) out.push(await matches(c, id, min));
      // The transaction's connection holds the rule's statement prepared once, and ran it ten times at least.
      const prepared: { runs: string }[] = await c.tx!.query(
        `SELECT generic_plans + custom_plans AS runs FROM pg_prepared_statements
          WHERE statement LIKE 'SELECT EXISTS (SELECT 1 FROM %' AND statement LIKE '%churn_risk%'`,
      );
      return { out, runs: prepared.map((p) => Number(p.runs)) };
    });
    expect(inTx.out).toEqual(asked.slice(0, 10).map(([, , expected]) => expected));
    expect(inTx.runs).toHaveLength(1);
    expect(inTx.runs[0]).toBeGreaterThanOrEqual(10);
  });
});
