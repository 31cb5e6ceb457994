import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { childOptions, failToParent, serveParent } from './child-process';

export interface BaselineOptions {
  databaseUrl: string;
  currency: string;
}

export interface BaselineInfo {
  url: string;
}

// The newest active products: the app's default sort, on the same partial index.
const PAGE = `SELECT p.id, p.title, p.slug, p.min_price, p.max_price, p.category_id, p.created_at
  FROM product p WHERE p.status = 'active' ORDER BY p.created_at DESC, p.id DESC LIMIT $1`;

const PRODUCTS = `SELECT p.id, p.title, p.slug, p.min_price, p.max_price, c.name AS category
  FROM (${PAGE}) p LEFT JOIN category c ON c.id = p.category_id ORDER BY p.created_at DESC, p.id DESC`;

const VARIANTS = `SELECT v.id, v.product_id, v.title FROM product_variant v
 WHERE v.product_id IN (SELECT id FROM (${PAGE}) page) ORDER BY v.position, v.id`;

// Visible offers in buy-box order, by hand (the rules of src/modules/catalog/buy-box.ts: in stock first, the
// landed price with NEW within a 10% margin, NEW first, seller rating, handling days, most stock, id).
const offersOf = (productIds: string) => `SELECT l.product_id, l.variant_id, l.price, l.currency, l.stock, s.name AS seller
  FROM listing l JOIN seller s ON s.id = l.seller_id
 WHERE l.product_id IN (${productIds}) AND l.status = 'active' AND s.status = 'active'
 ORDER BY l.stock > 0 DESC,
   (l.price + CASE WHEN s.free_shipping_threshold IS NOT NULL AND l.price >= s.free_shipping_threshold THEN 0 ELSE s.shipping_rate END)
     * CASE WHEN l.condition = 'new' THEN 90 ELSE 100 END,
   l.condition = 'new' DESC, s.rating DESC, l.handling_days, l.stock DESC, l.id`;

const OFFERS = offersOf(`SELECT id FROM (${PAGE}) page`);

// PRODUCT: the same three reads for one active product by slug (the storefront sees active products only).
const ONE = `SELECT p.id FROM product p WHERE p.slug = $1 AND p.status = 'active'`;

const PRODUCT_BY_SLUG = `SELECT p.id, p.title, p.slug, p.min_price, p.max_price, c.name AS category
  FROM product p LEFT JOIN category c ON c.id = p.category_id WHERE p.slug = $1 AND p.status = 'active'`;

const VARIANTS_OF_ONE = `SELECT v.id, v.product_id, v.title FROM product_variant v
 WHERE v.product_id = (${ONE}) ORDER BY v.position, v.id`;

const OFFERS_OF_ONE = offersOf(ONE);

interface ProductRow {
  id: string;
  title: string;
  slug: string;
  min_price: number | null;
  max_price: number | null;
  category: string | null;
}
interface VariantRow {
  id: string;
  product_id: string;
  title: string;
}
interface OfferRow {
  product_id: string;
  variant_id: string;
  price: number;
  currency: string;
  stock: number;
  seller: string;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

const offerJson = (o: OfferRow) => ({ price: { amount: o.price, currency: o.currency }, stock: o.stock, seller: { name: o.seller } });

/** The products' trees, as PRODUCT_FIELDS (bench/queries.ts) selects them. */
function productNodes(products: ProductRow[], variants: VariantRow[], offers: OfferRow[], currency: string) {
  const variantsOf = groupBy(variants, (v) => v.product_id);
  const offersOfProduct = groupBy(offers, (o) => o.product_id);
  const offersOfVariant = groupBy(offers, (o) => o.variant_id);
  return products.map((p) => {
    const best = offersOfProduct.get(p.id)?.[0];
    return {
      title: p.title,
      slug: p.slug,
      priceRange:
        p.min_price != null && p.max_price != null
          ? { min: { amount: p.min_price, currency }, max: { amount: p.max_price, currency } }
          : null,
      bestListing: best ? offerJson(best) : null,
      variants: (variantsOf.get(p.id) ?? []).map((v) => ({ title: v.title, listings: (offersOfVariant.get(v.id) ?? []).map(offerJson) })),
      category: p.category === null ? null : { name: p.category },
    };
  });
}

/**
 * Three statements sent at once on three pooled connections (one round trip of latency), then
 * Node assembles and serialises the tree. A single statement building the JSON in PostgreSQL
 * (json_agg) was also tried: it costs the database more than this costs Node, so it was slower here.
 */
async function catalog(pool: pg.Pool, first: number, currency: string): Promise<string> {
  const [products, variants, offers] = await Promise.all([
    pool.query<ProductRow>(PRODUCTS, [first]),
    pool.query<VariantRow>(VARIANTS, [first]),
    pool.query<OfferRow>(OFFERS, [first]),
  ]);
  return JSON.stringify({ data: { products: { nodes: productNodes(products.rows, variants.rows, offers.rows, currency) } } });
}

/** PRODUCT likewise: three statements at once, each finding the product by its slug. */
async function product(pool: pg.Pool, slug: string, currency: string): Promise<string> {
  const [products, variants, offers] = await Promise.all([
    pool.query<ProductRow>(PRODUCT_BY_SLUG, [slug]),
    pool.query<VariantRow>(VARIANTS_OF_ONE, [slug]),
    pool.query<OfferRow>(OFFERS_OF_ONE, [slug]),
  ]);
  return JSON.stringify({ data: { product: productNodes(products.rows, variants.rows, offers.rows, currency)[0] ?? null } });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The same CATALOG and PRODUCT data from hand-written SQL over a pg.Pool: no GraphQL, no ORM. */
async function main(): Promise<void> {
  const { databaseUrl, currency } = childOptions<BaselineOptions>();
  // The app's money parsing and pool size.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20, application_name: 'zoco-baseline' });
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'POST' || req.url !== '/graphql') return send(res, 404, '{"error":"not found"}');
      // A real endpoint reads its input: a slug is PRODUCT, anything else CATALOG (of `first` products).
      const body = JSON.parse(await readBody(req)) as { variables?: { first?: number; slug?: string } };
      const slug = body.variables?.slug;
      send(res, 200, slug === undefined ? await catalog(pool, body.variables?.first ?? 20, currency) : await product(pool, slug, currency));
    } catch (err) {
      send(res, 500, JSON.stringify({ errors: [{ message: String(err) }] }));
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const info: BaselineInfo = { url: `http://127.0.0.1:${port}/graphql` };
  serveParent(info, {}, async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await pool.end();
  });
}

main().catch(failToParent);
