import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { childOptions, failToParent, serveParent } from './child-process';

export interface BaselineOptions {
  databaseUrl: string;
  currency: string;
  strategy: 'json' | 'rows';
}

export interface BaselineInfo {
  url: string;
}

// The newest active products, as the app's default sort (and the same partial index).
const PAGE = `SELECT p.id, p.title, p.slug, p.min_price, p.max_price, p.category_id, p.created_at
  FROM product p WHERE p.status = 'active' ORDER BY p.created_at DESC, p.id DESC LIMIT $1`;

// Visible offers, in buy-box order: in stock first, cheapest, best-rated seller, most stock, id.
const OFFERS = `SELECT l.id, l.product_id, l.variant_id, l.price, l.currency, l.stock, s.name AS seller,
       row_number() OVER (ORDER BY l.stock > 0 DESC, l.price, s.rating DESC, l.stock DESC, l.id) AS rank
  FROM listing l JOIN seller s ON s.id = l.seller_id
 WHERE l.product_id IN (SELECT id FROM page) AND l.status = 'active' AND s.status = 'active'
 ORDER BY rank`;

/** One statement that returns the finished response body: PostgreSQL builds the JSON. */
const CATALOG_JSON = `WITH page AS (${PAGE}), offers AS MATERIALIZED (${OFFERS})
SELECT json_build_object('data', json_build_object('products', json_build_object('nodes', coalesce(json_agg(json_build_object(
  'title', p.title,
  'slug', p.slug,
  'priceRange', CASE WHEN p.min_price IS NOT NULL AND p.max_price IS NOT NULL THEN json_build_object(
    'min', json_build_object('amount', p.min_price, 'currency', $2::text),
    'max', json_build_object('amount', p.max_price, 'currency', $2::text)) END,
  'bestListing', (SELECT json_build_object('price', json_build_object('amount', o.price, 'currency', o.currency), 'stock', o.stock,
      'seller', json_build_object('name', o.seller)) FROM offers o WHERE o.product_id = p.id ORDER BY o.rank LIMIT 1),
  'variants', (SELECT coalesce(json_agg(json_build_object('title', v.title, 'listings', (
      SELECT coalesce(json_agg(json_build_object('price', json_build_object('amount', o.price, 'currency', o.currency), 'stock', o.stock,
        'seller', json_build_object('name', o.seller)) ORDER BY o.rank), '[]') FROM offers o WHERE o.variant_id = v.id))
      ORDER BY v.position, v.id), '[]') FROM product_variant v WHERE v.product_id = p.id),
  'category', (SELECT json_build_object('name', c.name) FROM category c WHERE c.id = p.category_id)
) ORDER BY p.created_at DESC, p.id DESC), '[]')))) AS body
FROM page p`;

interface ProductRow { id: string; title: string; slug: string; min_price: number | null; max_price: number | null; category: string | null }
interface VariantRow { id: string; product_id: string; title: string }
interface OfferRow { product_id: string; variant_id: string; price: number; currency: string; stock: number; seller: string }

const ROWS_PRODUCTS = `SELECT p.id, p.title, p.slug, p.min_price, p.max_price, c.name AS category
  FROM (${PAGE}) p LEFT JOIN category c ON c.id = p.category_id ORDER BY p.created_at DESC, p.id DESC`;
const ROWS_VARIANTS = `WITH page AS (${PAGE}) SELECT v.id, v.product_id, v.title FROM product_variant v
  WHERE v.product_id IN (SELECT id FROM page) ORDER BY v.position, v.id`;
const ROWS_OFFERS = `WITH page AS (${PAGE}) ${OFFERS}`;

const offerJson = (o: OfferRow) => ({ price: { amount: o.price, currency: o.currency }, stock: o.stock, seller: { name: o.seller } });

/** Three statements in parallel (one round trip of latency); Node assembles and serialises the tree. */
async function catalogFromRows(pool: pg.Pool, first: number, currency: string): Promise<string> {
  const [products, variants, offers] = await Promise.all([
    pool.query<ProductRow>(ROWS_PRODUCTS, [first]),
    pool.query<VariantRow>(ROWS_VARIANTS, [first]),
    pool.query<OfferRow>(ROWS_OFFERS, [first]),
  ]);
  const offersByVariant = new Map<string, OfferRow[]>();
  const bestByProduct = new Map<string, OfferRow>();
  for (const o of offers.rows) {
    if (!bestByProduct.has(o.product_id)) bestByProduct.set(o.product_id, o);
    const list = offersByVariant.get(o.variant_id);
    if (list) list.push(o);
    else offersByVariant.set(o.variant_id, [o]);
  }
  const variantsByProduct = new Map<string, VariantRow[]>();
  for (const v of variants.rows) {
    const list = variantsByProduct.get(v.product_id);
    if (list) list.push(v);
    else variantsByProduct.set(v.product_id, [v]);
  }
  const nodes = products.rows.map((p) => {
    const best = bestByProduct.get(p.id);
    return {
      title: p.title,
      slug: p.slug,
      priceRange:
        p.min_price != null && p.max_price != null
          ? { min: { amount: p.min_price, currency }, max: { amount: p.max_price, currency } }
          : null,
      bestListing: best ? offerJson(best) : null,
      variants: (variantsByProduct.get(p.id) ?? []).map((v) => ({
        title: v.title,
        listings: (offersByVariant.get(v.id) ?? []).map(offerJson),
      })),
      category: p.category === null ? null : { name: p.category },
    };
  });
  return JSON.stringify({ data: { products: { nodes } } });
}

async function catalogFromJson(pool: pg.Pool, first: number, currency: string): Promise<string> {
  const { rows } = await pool.query<{ body: string }>({ text: CATALOG_JSON, values: [first, currency], types: rawJson });
  return rows[0]!.body;
}

// The body is sent as PostgreSQL wrote it: parsing and re-serialising it would be a straw man.
const rawJson = { getTypeParser: (oid: number) => (oid === pg.types.builtins.JSON ? (v: string) => v : pg.types.getTypeParser(oid)) };

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

/** The same CATALOG data from hand-written SQL over a pg.Pool: no GraphQL, no ORM. */
async function main(): Promise<void> {
  const { databaseUrl, currency, strategy } = childOptions<BaselineOptions>();
  // The same money parsing and pool size as the app.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20, application_name: 'zoco-baseline' });
  const catalog = strategy === 'json' ? catalogFromJson : catalogFromRows;
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'POST' || req.url !== '/graphql') return send(res, 404, '{"error":"not found"}');
      const body = JSON.parse(await readBody(req)) as { variables?: { first?: number } };
      send(res, 200, await catalog(pool, body.variables?.first ?? 20, currency));
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
