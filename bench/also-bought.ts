import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openScratchApp } from './scratch-app';
import { MIN_SUPPORT, PURCHASES, recountFromItems } from '../src/modules/recommendations/co-occurrence';
import { bulkInsert } from '../src/seed/bulk-insert';
import { createRandom } from '../src/seed/prng';
import { writeMarkedSection } from './report';

/**
 * Issue 12: quality and build cost of "customers who bought this also bought".
 *
 * A seeded population with hidden co-purchase structure: products fall in groups of GROUP complements
 * (a camera, its lenses, bags, cards …); sales are Zipf-distributed (a few best-sellers everywhere). A basket
 * starts from a product drawn by popularity, then adds 1–4 more: each from the first product's group with
 * probability COHERENCE, otherwise a best-seller drawn by popularity. 90% of the baskets train (the real
 * rebuild: recountFromItems over basket_item), 10% are held out. For each held-out basket and each of its
 * products, recall@10 is the share of the basket's other products found in that product's top 10:
 * the co-purchase lists (cosine, minimum support) against the most popular products (what a shop shows by default).
 *
 *   DATABASE_URL=postgres://… node dist/bench/also-bought.js [--products 20000] [--baskets 200000] [--write]
 */
const { values: args } = parseArgs({
  options: {
    products: { type: 'string', default: '20000' },
    baskets: { type: 'string', default: '200000' },
    write: { type: 'boolean', default: false },
  },
});
const PRODUCTS = Number(args.products);
const BASKETS = Number(args.baskets);
const ROOT = path.resolve(__dirname, '../..');
const GROUP = 8;
const COHERENCE = 0.7;

function zipfSampler(n: number, next: () => number, s = 1.05): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cdf[i] = total += 1 / (i + 1) ** s;
  return () => {
    const x = next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

async function main(): Promise<void> {
  const rng = createRandom(12);
  const ids = Array.from({ length: PRODUCTS }, () => rng.uuid());
  // Popularity rank → product, shuffled so groups hold products of every popularity.
  const byRank = [...ids.keys()];
  for (let i = byRank.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [byRank[i], byRank[j]] = [byRank[j]!, byRank[i]!];
  }
  const popular = zipfSampler(PRODUCTS, () => rng.next());
  const baskets: number[][] = [];
  for (let b = 0; b < BASKETS; b++) {
    const first = byRank[popular()]!;
    const basket = new Set([first]);
    const size = rng.int(2, 5);
    const group = first - (first % GROUP);
    while (basket.size < size) basket.add(rng.next() < COHERENCE ? group + rng.int(0, GROUP - 1) : byRank[popular()]!);
    baskets.push([...basket].filter((p) => p < PRODUCTS));
  }
  const cut = Math.floor(BASKETS * 0.9);
  const train = baskets.slice(0, cut);
  const test = baskets.slice(cut).filter((b) => b.length >= 2);

  const { app, close } = await openScratchApp(`zoco_bench_ab_${randomBytes(4).toString('hex')}`, { logLevel: 'silent', env: 'test' });
  try {
    const db = app.dataSource;
    const items: string[][] = [];
    for (const basket of train) {
      const checkout = rng.uuid();
      for (const p of basket) items.push([checkout, ids[p]!]);
    }
    await bulkInsert(db.manager, 'basket_item', { checkout_id: 'uuid', product_id: 'uuid' }, items, 50_000);
    await db.query('ANALYZE basket_item');
    const started = performance.now();
    await db.transaction((tx) => recountFromItems(tx, PURCHASES));
    const buildMs = performance.now() - started;
    const [{ pairs }] = await db.query('SELECT count(*)::int AS pairs FROM product_pair');
    const [{ listed }] = await db.query('SELECT count(DISTINCT product_id)::int AS listed FROM also_bought');

    // Top 10 per product, as Product.alsoBought reads them (visibility aside: every product here is buyable).
    const index = new Map(ids.map((id, i) => [id, i]));
    const top = new Map<number, number[]>();
    const rows: { a: string; b: string }[] = await db.query('SELECT product_id AS a, other_id AS b FROM also_bought WHERE rank <= 10 ORDER BY product_id, rank');
    for (const r of rows) {
      const a = index.get(r.a)!;
      top.set(a, [...(top.get(a) ?? []), index.get(r.b)!]);
    }
    const counts = new Map<number, number>();
    for (const basket of train) for (const p of basket) counts.set(p, (counts.get(p) ?? 0) + 1);
    const mostPopular = [...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, 11).map(([p]) => p);

    let hitsCo = 0;
    let hitsPop = 0;
    let wanted = 0;
    const lookups: number[] = [];
    const executions: number[] = [];
    for (const basket of test) {
      for (const query of basket) {
        const others = basket.filter((p) => p !== query);
        const co = new Set(top.get(query) ?? []);
        const pop = new Set(mostPopular.filter((p) => p !== query).slice(0, 10));
        wanted += others.length;
        hitsCo += others.filter((p) => co.has(p)).length;
        hitsPop += others.filter((p) => pop.has(p)).length;
      }
    }
    // Lookup cost: the loader's statement for one product, timed in the database (no HTTP).
    for (let i = 0; i < 200; i++) {
      const id = ids[byRank[popular()]!]!;
      const t0 = performance.now();
      await db.query(`SELECT other_id, score FROM also_bought WHERE product_id = $1 ORDER BY rank`, [id]);
      lookups.push(performance.now() - t0);
      const [{ 'QUERY PLAN': plan }] = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) SELECT other_id, score FROM also_bought WHERE product_id = $1 ORDER BY rank`, [id]);
      executions.push(plan[0]['Execution Time']);
    }
    lookups.sort((x, y) => x - y);
    executions.sort((x, y) => x - y);
    const recallCo = hitsCo / wanted;
    const recallPop = hitsPop / wanted;
    const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    const report = [
      `${PRODUCTS} products in groups of ${GROUP}, ${BASKETS} baskets (${train.length} train, ${test.length} held out with ≥ 2 products), coherence ${COHERENCE}, minimum support ${MIN_SUPPORT}`,
      `recall@10 co-purchase ${(recallCo * 100).toFixed(1)}%   popularity ${(recallPop * 100).toFixed(1)}%   ratio ${(recallCo / recallPop).toFixed(1)}×`,
      `build (counts, ${pairs} pairs, top lists of ${listed} products) ${(buildMs / 1000).toFixed(1)} s`,
      `lookup of one product's list: in the database p50 ${executions[100]!.toFixed(3)} ms p99 ${executions[197]!.toFixed(3)} ms; round trip from Node p50 ${lookups[100]!.toFixed(2)} ms p99 ${lookups[197]!.toFixed(2)} ms`,
      `Node ${process.version}, ${os.cpus().length} cores, load average ${load}`,
    ];
    console.log(report.join('\n'));
    if (args.write) {
      writeMarkedSection(
        path.join(ROOT, 'bench/RESULTS.md'),
        `also-bought-${PRODUCTS}`,
        `<!-- also-bought-${PRODUCTS} -->\n## Also bought: quality and build cost, ${PRODUCTS} products (issue 12)\n\n\`DATABASE_URL=… node dist/bench/also-bought.js --products ${PRODUCTS} --baskets ${BASKETS} --write\` (bench/also-bought.ts explains the population)\n\n\`\`\`\n${report.join('\n')}\n\`\`\`\n<!-- /also-bought-${PRODUCTS} -->`,
      );
    }
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
