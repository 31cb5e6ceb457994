import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openScratchApp } from './scratch-app';
import { bulkInsert } from '../src/seed/bulk-insert';
import { publishSection } from './report';

/**
 * Issue 16: do the offers for promotions reach the customers they suit? A population with hidden tastes
 * (one or two preferred categories, a price sensitivity) shops through the API (eventsTrack views, likes and
 * cart adds, buyNow purchases); sellers then start untargeted promotions, one per category, and the offer
 * engine decides who hears of which (offers README "Promotions"). Measured: the share of offers whose
 * promotion's category is one the customer really prefers (the hidden taste, never shown to the engine),
 * against random targeting and against "offer everyone the most popular promotions", with the same number of
 * offers per customer. Needs DATABASE_URL (a PostgreSQL server; the run uses a scratch database).
 */
const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '500' },
    seed: { type: 'string', default: '16' },
    'no-write': { type: 'boolean', default: false },
    /** Share of views in a hidden taste; the rest is idle browsing that follows popularity. */
    'taste-share': { type: 'string', default: '0.8' },
    /** The same for likes, cart adds and purchases. */
    'action-taste-share': { type: 'string', default: '1' },
    views: { type: 'string', default: '20' },
  },
});
const TASTE_SHARE = Number(args['taste-share']);
const ACTION_TASTE_SHARE = Number(args['action-taste-share']);
const VIEWS = Number(args.views);
const N = Number(args.customers);

const CATEGORIES = 8;
const SELLERS = 4;
const PRODUCTS_PER_SELLER_AND_CATEGORY = 2;
/** How popular each category is among tastes (and among idle browsing): a few categories dominate. */
const POPULARITY = [0.26, 0.2, 0.15, 0.12, 0.1, 0.08, 0.05, 0.04];
const CONCURRENCY = 8;

/** mulberry32: a seeded generator, so a run can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(Number(args.seed));
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const weighted = (weights: readonly number[]): number => {
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r <= 0) return i;
  }
  return weights.length - 1;
};

async function pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

interface Shopper {
  id: string;
  token: string;
  tastes: number[];
  priceSensitivity: number;
}

async function main(): Promise<void> {
  const { app, close } = await openScratchApp(`zoco_bench_personalization_${process.pid}`, {
    eventPollIntervalMs: 50,
    throttle: { enabled: false } as never,
  });
  const started = performance.now();
  try {
    const db = app.dataSource;
    const post = async (query: string, variables: object, key: string) => {
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (!body.data || body.errors) throw new Error(JSON.stringify(body.errors ?? body));
      return body.data;
    };
    const admin = app.config.adminKey;

    // The catalog: 8 categories, 4 sellers each selling 2 products in every category, prices 10–90 €.
    const categories: string[] = [];
    for (let c = 0; c < CATEGORIES; c++) {
      const data = await post(`mutation ($input: CategoryCreateInput!) { categoryCreate(input: $input) { category { id } } }`, { input: { slug: `taste-${c}`, name: `Taste ${c}` } }, admin);
      categories.push(data.categoryCreate.category.id);
    }
    const sellers: { id: string; key: string }[] = [];
    const listings: { listingId: string; productId: string; category: number; price: number }[] = [];
    for (let s = 0; s < SELLERS; s++) {
      const data = await post(
        `mutation ($input: SellerCreateInput!) { sellerCreate(input: $input) { seller { id } apiKeySecret } }`,
        // With a legal address: checkout refuses sellers without one.
        { input: { slug: `bench-p13n-${s}`, name: `Seller ${s}`, legalName: `Seller ${s} S.L.`, taxId: 'B12345678', address: { name: `Seller ${s} S.L.`, line1: 'Gran Vía 1', city: 'Madrid', postalCode: '28013', country: 'ES' } } },
        admin,
      );
      sellers.push({ id: data.sellerCreate.seller.id, key: data.sellerCreate.apiKeySecret });
      for (let c = 0; c < CATEGORIES; c++) {
        for (let k = 0; k < PRODUCTS_PER_SELLER_AND_CATEGORY; k++) {
          const product = await post(
            `mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { id variants { id } } } }`,
            { input: { title: `Item ${s}-${c}-${k}`, categoryId: categories[c] } },
            sellers[s]!.key,
          );
          const price = 1000 + Math.floor(random() * 8000);
          const listing = await post(
            `mutation ($input: ListingCreateInput!) { listingCreate(input: $input) { listing { id } } }`,
            { input: { variantId: product.productCreate.product.variants[0].id, sku: `SKU-${s}-${c}-${k}`, price: { amount: price, currency: 'EUR' }, stock: 100_000 } },
            sellers[s]!.key,
          );
          listings.push({ listingId: listing.listingCreate.listing.id, productId: product.productCreate.product.id, category: c, price });
        }
      }
    }
    const inCategory = (c: number) => listings.filter((l) => l.category === c);

    // The population, written straight to the database (sign-up hashes passwords with scrypt): consent, address, card, session.
    const ids = Array.from({ length: N }, () => randomUUID());
    const rows = <T>(row: (id: string) => T[]) => ids.map(row);
    await bulkInsert(db.manager, 'customer', { id: 'uuid', email: 'text', name: 'text', password_hash: 'text' }, rows((id) => [id, `${id}@bench.example`, 'Shopper', 'x']));
    await bulkInsert(
      db.manager,
      'customer_address',
      { customer_id: 'uuid', name: 'text', line1: 'text', city: 'text', postal_code: 'text', country: 'text', is_default_shipping: 'boolean', is_default_billing: 'boolean' },
      rows((id) => [id, 'Shopper', 'Calle Mayor 1', 'Madrid', '28013', 'ES', true, true]),
    );
    await bulkInsert(
      db.manager,
      'payment_method',
      { customer_id: 'uuid', provider: 'text', token: 'text', brand: 'text', last4: 'text', exp_month: 'int', exp_year: 'int', is_default: 'boolean' },
      rows((id) => [id, 'test', 'tok_visa', 'visa', '4242', 12, 2030, true]),
    );
    const expires = new Date(Date.now() + 86_400_000);
    await bulkInsert(db.manager, 'customer_session', { id: 'uuid', customer_id: 'uuid', expires_at: 'timestamptz' }, rows((id) => [id, id, expires]));
    await bulkInsert(db.manager, 'customer_consent', { customer_id: 'uuid', kind: 'text', granted: 'boolean', source: 'text' }, rows((id) => [id, 'personalization', true, 'bench']));
    const shoppers: Shopper[] = [];
    for (const id of ids) {
      const first = weighted(POPULARITY);
      const tastes = random() < 0.5 ? [first] : [...new Set([first, weighted(POPULARITY)])];
      const { token } = await app.services.tokens.issueCustomerToken({ customerId: id, sessionId: id, version: 0 });
      shoppers.push({ id, token, tastes, priceSensitivity: random() });
    }

    // Behaviour (defaults): 20 views (80 % in a preferred category, the rest idle browsing that follows
    // popularity), 3 likes and 2 cart adds in preferred categories, one batch of eventsTrack each; 40 % buy
    // once (buyNow). --views, --taste-share and --action-taste-share make noisier, sparser populations.
    // A price-sensitive shopper looks at the cheaper half of a category.
    const seedStarted = performance.now();
    let tracked = 0;
    const choose = (shopper: Shopper, c: number) => {
      const all = inCategory(c).sort((a, b) => a.price - b.price);
      return pick(shopper.priceSensitivity > 0.6 ? all.slice(0, Math.ceil(all.length / 2)) : all);
    };
    await pool(shoppers, async (shopper) => {
      const at = () => new Date(Date.now() - Math.floor(random() * 3 * 86_400_000)).toISOString();
      const events: object[] = [];
      const acted = () => (random() < ACTION_TASTE_SHARE ? pick(shopper.tastes) : weighted(POPULARITY));
      for (let i = 0; i < VIEWS; i++) {
        const c = random() < TASTE_SHARE ? pick(shopper.tastes) : weighted(POPULARITY);
        events.push({ type: 'PRODUCT_VIEWED', channel: 'WEB', occurredAt: at(), productId: choose(shopper, c).productId });
      }
      for (let i = 0; i < 3; i++) events.push({ type: 'PRODUCT_LIKED', channel: 'MOBILE', occurredAt: at(), productId: choose(shopper, acted()).productId });
      for (let i = 0; i < 2; i++) events.push({ type: 'LISTING_ADDED_TO_CART', channel: 'WEB', occurredAt: at(), listingId: choose(shopper, acted()).listingId });
      const data = await post(`mutation ($input: EventsTrackInput!) { eventsTrack(input: $input) { accepted userErrors { message } } }`, { input: { events } }, shopper.token);
      if (data.eventsTrack.userErrors.length) throw new Error(JSON.stringify(data.eventsTrack.userErrors));
      tracked += data.eventsTrack.accepted;
      if (random() < 0.4) {
        const bought = await post(
          `mutation ($input: BuyNowInput!) { buyNow(input: $input) { userErrors { message } } }`,
          { input: { listingId: choose(shopper, acted()).listingId, quantity: 1, idempotencyKey: randomUUID() } },
          shopper.token,
        );
        if (bought.buyNow.userErrors.length) throw new Error(JSON.stringify(bought.buyNow.userErrors));
      }
    });
    await app.services.events.drain();
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    // Offers the engine made from behaviour alone (repeated views...) are not the subject: clear them so the
    // daily cap measures the promotions only.
    await db.query('DELETE FROM offer');

    // Sellers start promotions across categories: seller s runs categories s and s + 4, untargeted.
    const promotionStarted = performance.now();
    const promotionCategory = new Map<string, number>();
    for (let c = 0; c < CATEGORIES; c++) {
      const seller = sellers[c % SELLERS]!;
      const data = await post(
        `mutation ($input: PromotionCreateInput!) { promotionCreate(input: $input) { promotion { id } userErrors { message } } }`,
        { input: { name: `Taste ${c} week`, kind: 'PERCENTAGE', percentOff: 10 + (c % 3) * 5, scope: 'CATEGORIES', scopeIds: [categories[c]] } },
        seller.key,
      );
      promotionCategory.set(Buffer.from(data.promotionCreate.promotion.id, 'base64url').toString().split(':')[1]!, c);
    }
    await app.services.events.drain();
    const fanOutSeconds = (performance.now() - promotionStarted) / 1000;

    // The measure.
    const offers: { customerId: string; promotionId: string }[] = await db.query(
      `SELECT customer_id AS "customerId", promotion_id AS "promotionId" FROM offer WHERE promotion_id IS NOT NULL`,
    );
    const byId = new Map(shoppers.map((s) => [s.id, s]));
    const perCustomer = new Map<string, number>();
    let hits = 0;
    for (const o of offers) {
      perCustomer.set(o.customerId, (perCustomer.get(o.customerId) ?? 0) + 1);
      if (byId.get(o.customerId)!.tastes.includes(promotionCategory.get(o.promotionId)!)) hits++;
    }
    const engine = hits / offers.length;
    // Random: each customer's k offers drawn uniformly among the 8 promotions (expected value, exact).
    let randomHits = 0;
    // Popularity: each customer gets the k promotions of the most engaged-with categories (observed, not hidden).
    const observed: { category: string; n: number }[] = await db.query(
      `SELECT category_id AS category, count(*)::int AS n FROM touchpoint_event WHERE category_id IS NOT NULL GROUP BY category_id ORDER BY n DESC`,
    );
    const ranking = observed.map((o) => categories.findIndex((g) => Buffer.from(g, 'base64url').toString().split(':')[1] === o.category));
    let popularHits = 0;
    for (const [customerId, k] of perCustomer) {
      const { tastes } = byId.get(customerId)!;
      randomHits += (k * tastes.length) / CATEGORIES;
      popularHits += ranking.slice(0, k).filter((c) => tastes.includes(c)).length;
    }
    const baseline = { random: randomHits / offers.length, popular: popularHits / offers.length };
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    const totalSeconds = (performance.now() - started) / 1000;
    const section = [
      '<!-- personalization-bench -->',
      '## Issue 16: offers for promotions hit hidden tastes',
      '',
      `Command: \`npm run bench:personalization\` (= \`npm run build --silent && node dist/bench/personalization.js --customers ${N} --seed ${args.seed} --taste-share ${TASTE_SHARE} --action-taste-share ${ACTION_TASTE_SHARE} --views ${VIEWS}\`, DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres, the machine's PostgreSQL, a scratch database).`,
      `Population: ${N} customers with the personalization consent, each with 1–2 hidden preferred categories (of ${CATEGORIES}, skewed popularity ${POPULARITY.join('/')}) and a hidden price sensitivity; ${SELLERS} sellers × ${CATEGORIES} categories × ${PRODUCTS_PER_SELLER_AND_CATEGORY} products. Behaviour replayed through the API in ${seedSeconds.toFixed(1)} s: ${tracked} touchpoints by eventsTrack (one batch per customer: ${VIEWS} views, ${Math.round(TASTE_SHARE * 100)} % in a preferred category and the rest following popularity, 3 likes and 2 cart adds and a buyNow for ~40 %, ${Math.round(ACTION_TASTE_SHARE * 100)} % of those in a preferred category). Then ${CATEGORIES} untargeted promotions (scope CATEGORIES, one per category, sellers in turn); their fan-out took ${fanOutSeconds.toFixed(1)} s. Whole run ${totalSeconds.toFixed(0)} s.`,
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (shared with other sessions), ${new Date().toISOString().slice(0, 16)}Z.`,
      '',
      '| targeting | offers | customers reached | offers hitting a hidden taste | engine ÷ it |',
      '|---|---:|---:|---:|---:|',
      `| offer engine (affinity ≥ ${0.2} for the promotion's category, daily cap 3) | ${offers.length} | ${perCustomer.size} / ${N} | ${pct(engine)} | |`,
      `| random promotions, same number per customer (expected) | ${offers.length} | ${perCustomer.size} | ${pct(baseline.random)} | ${(engine / baseline.random).toFixed(2)}× (target ≥ 3×) |`,
      `| the most popular promotions (by observed touchpoints), same number per customer | ${offers.length} | ${perCustomer.size} | ${pct(baseline.popular)} | ${(engine / baseline.popular).toFixed(2)}× (target ≥ 1.5×) |`,
      '<!-- /personalization-bench -->',
    ].join('\n');
    publishSection('personalization-bench', section, !args['no-write']);
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
