import { statementCount } from '../../../src/db/data-source';
import { audienceSql } from '../../../src/modules/promotions/promotion-eligibility';
import { REACH_THRESHOLD } from '../../../src/modules/promotions/promotion-reach';
import { compileRule, needsTraitRow, SqlParams, validateRule, type TargetingRuleData } from '../../../src/modules/promotions/targeting-rule';
import { insertCustomers } from '../../helpers/customers';
import { createCategory, createSeller, type TestSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { consentWithTraits, uuidOf } from './promotion-fixtures';

let t: TestApp;
let seller: TestSeller;
let categoryId: string;

const PREVIEW = `query ($input: PromotionPreviewInput!) { promotionPreview(input: $input) { reach { customers suppressed } userErrors { field code } } }`;

beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
  categoryId = await createCategory(t);
  const db = t.app.dataSource;
  const risky = await insertCustomers(t, 14);
  const calm = await insertCustomers(t, 11);
  const traitless = await insertCustomers(t, 12);
  const unconsented = await insertCustomers(t, 6);
  await consentWithTraits(t, risky.map((c) => c.id), { churnRisk: 0.8, predictedValue: 50_000 });
  await consentWithTraits(t, calm.map((c) => c.id), { churnRisk: 0.1, predictedValue: 1_000 });
  // Consenting customers who never sent an event: no trait row yet.
  await db.query(`INSERT INTO customer_consent (customer_id, kind, granted, source) SELECT id, 'personalization', true, 'test' FROM unnest($1::uuid[]) id`, [
    traitless.map((c) => c.id),
  ]);
  await db.query(`INSERT INTO customer_trait (customer_id, churn_risk) SELECT id, 0.9 FROM unnest($1::uuid[]) id`, [unconsented.map((c) => c.id)]);
  // Recent activity for half the risky ones; affinities and views for some.
  await db.query(`UPDATE customer_trait SET last_seen_at = now() - interval '2 days' WHERE customer_id = ANY($1::uuid[])`, [risky.slice(0, 7).map((c) => c.id)]);
  await db.query(`INSERT INTO customer_category_affinity (customer_id, category_id, score) SELECT id, $2, 0.7 FROM unnest($1::uuid[]) id`, [
    [...risky.slice(0, 12), ...calm.slice(0, 3)].map((c) => c.id),
    uuidOf(categoryId),
  ]);
  await db.query(
    `INSERT INTO touchpoint_event (customer_id, type, channel, occurred_at, category_id, source)
     SELECT id, 'PRODUCT_VIEWED', 'WEB', now() - k * interval '1 hour', $2, 'client' FROM unnest($1::uuid[]) id, generate_series(1, 3) k`,
    [[...risky.slice(3), ...calm].map((c) => c.id), uuidOf(categoryId)],
  );
});
afterAll(() => t.stop());

const rules = (): [string, TargetingRuleData][] => [
  ['churn', { trait: 'CHURN_RISK', min: 0.6 }],
  ['churn and value', { all: [{ trait: 'CHURN_RISK', min: 0.6 }, { trait: 'PREDICTED_VALUE', min: 40_000 }] }],
  ['not churn', { not: { trait: 'CHURN_RISK', min: 0.6 } }],
  ['affinity', { trait: 'CATEGORY_AFFINITY', categoryId, min: 0.5 }],
  ['viewed', { trait: 'VIEWED_CATEGORY', categoryId, min: 3, days: 7 }],
  ['churn and viewed', { all: [{ trait: 'CHURN_RISK', min: 0.6 }, { trait: 'VIEWED_CATEGORY', categoryId, min: 3, days: 7 }] }],
  ['inactive', { trait: 'INACTIVE_DAYS', min: 30 }],
  ['not inactive', { not: { trait: 'INACTIVE_DAYS', min: 30 } }],
  ['new customer', { trait: 'NEW_CUSTOMER' }],
  ['new and not inactive and value', { all: [{ trait: 'NEW_CUSTOMER' }, { not: { trait: 'INACTIVE_DAYS', min: 30 } }, { trait: 'PREDICTED_VALUE', min: 30_000 }] }],
  ['bought or affinity', { any: [{ trait: 'BOUGHT_FROM_SELLER' }, { trait: 'CATEGORY_AFFINITY', categoryId, min: 0.5 }] }],
  ['not (churn or value)', { not: { any: [{ trait: 'CHURN_RISK', min: 0.6 }, { trait: 'PREDICTED_VALUE', min: 40_000 }] } }],
];

/** The reach counted the general way: every targetable customer, traits joined when they have some. */
async function countedOverCustomers(data: TargetingRuleData): Promise<number> {
  const params = new SqlParams();
  const predicate = compileRule(validateRule(data, []).rule!, params, uuidOf(seller.id));
  const [row] = await t.app.dataSource.query(`SELECT count(*)::int AS n FROM ${audienceSql.from} WHERE ${audienceSql.where('c.id')} AND ${predicate}`, params.values);
  return row.n;
}

describe('promotionPreview reach', () => {
  it('counts every rule as the count over all targetable customers does, whichever table drives it', async () => {
    const drivenByTraits: string[] = [];
    for (const [label, targeting] of rules()) {
      const n = await countedOverCustomers(targeting);
      const expected = n < REACH_THRESHOLD ? { customers: 0, suppressed: n > 0 } : { customers: n, suppressed: false };
      const { promotionPreview } = await t.data(PREVIEW, { input: { targeting } }, seller.key);
      expect({ label, ...promotionPreview }).toEqual({ label, reach: expected, userErrors: [] });
      if (needsTraitRow(validateRule(targeting, []).rule!)) drivenByTraits.push(label);
    }
    // Both ways were exercised: rules only trait rows can match, and rules true without one (inactivity, orders).
    expect(drivenByTraits).toEqual(['churn', 'churn and value', 'not churn', 'affinity', 'viewed', 'churn and viewed', 'not inactive', 'new and not inactive and value', 'not (churn or value)']);
  });

  it('refuses a seller key without promotions:write before any SQL beyond authenticating it', async () => {
    const created = await t.data(
      `mutation ($input: SellerApiKeyCreateInput!) { sellerApiKeyCreate(input: $input) { secret } }`,
      { input: { name: 'no scopes', scopes: [] } },
      seller.key,
    );
    const scopeless: string = created.sellerApiKeyCreate.secret;
    const preview = () => t.request(PREVIEW, { input: { targeting: { all: [{ trait: 'CHURN_RISK', min: 0.6 }, { trait: 'VIEWED_CATEGORY', categoryId, min: 3, days: 7 }] } } }, scopeless);
    // The counter is the app's: its background work (the event dispatcher's polls) adds to it now and then,
    // never takes away, so the least of a few runs is what the request itself sent.
    const least = async (request: () => Promise<unknown>) => {
      let fewest = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 5; run++) {
        const start = statementCount(t.app.dataSource);
        await request();
        fewest = Math.min(fewest, statementCount(t.app.dataSource) - start);
      }
      return fewest;
    };
    await t.request('{ __typename }', {}, scopeless);
    expect(await least(preview)).toBe(await least(() => t.request('{ __typename }', {}, scopeless)));
    expect((await preview()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
