import 'reflect-metadata';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { createApp, type App } from '../src/app';
import { seedDatabase } from '../src/seed/seed';

/**
 * `node dist/bench/fast-path-parity.js`: the same operations against two apps on one database, one
 * with the fast paths (graphql-jit, direct resolver calls) and one without (graphql-js and
 * type-graphql's resolver wrappers); every status and body must be equal. Each operation runs
 * several times so that the fast app has compiled it (graphql-jit compiles on the third).
 */

const ROOT = path.resolve(__dirname, '../..');
const DATA_DIR = path.join(ROOT, 'bench/.data/parity');
const RUNS = 4;

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  as?: 'guest' | 'customer' | 'seller' | 'admin' | 'bad-token';
}

const LISTING = 'id sku price { amount currency formatted } compareAtPrice { amount } stock inStock condition status handlingDays createdAt updatedAt seller { id name slug rating status }';
const PRODUCT = `id __typename slug title description status inStock createdAt updatedAt attributes images { url alt }
  priceRange { min { amount currency formatted } max { amount } }
  bestListing { ${LISTING} }
  variants { id title gtin position options { name value } listings { ${LISTING} variant { id title } product { slug } } }
  listings { id price { amount } }
  category { id name slug position parent { name } ancestors { slug } children { slug } }`;

function cases(slug: string, productId: string, sellerSlug: string, after: string): Case[] {
  return [
    { name: 'catalog page', query: `{ products(first: 20) { nodes { ${PRODUCT} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }` },
    { name: 'catalog edges, sorted', query: `{ products(first: 5, sort: PRICE_DESC) { edges { cursor node { title priceRange { min { amount } } } } } }` },
    { name: 'catalog next page', query: `query Next($after: String) { products(first: 3, after: $after) { nodes { slug } } }`, variables: { after } },
    { name: 'catalog filter', query: `{ products(first: 5, filter: { inStock: true, priceMin: 1000, condition: NEW }, sort: TITLE) { nodes { title } } }` },
    { name: 'page size from a variable', query: `query P($n: Int!) { products(first: $n) { nodes { slug } } }`, variables: { n: 4 } },
    { name: 'page size over the maximum', query: `query P($n: Int!) { products(first: $n) { nodes { slug } } }`, variables: { n: 101 } },
    { name: 'bad cursor', query: `{ products(first: 2, after: "nope") { nodes { slug } } }` },
    { name: 'product by slug', query: `query Product($slug: String!) { product(slug: $slug) { ${PRODUCT} } }`, variables: { slug } },
    { name: 'product by id', query: `query($id: ID!) { product(id: $id) { title } }`, variables: { id: productId } },
    { name: 'product not found', query: `{ product(slug: "no-such-product") { title } }` },
    { name: 'product: id and slug', query: `query($id: ID!, $slug: String!) { product(id: $id, slug: $slug) { title } }`, variables: { id: productId, slug } },
    { name: 'product: malformed id', query: `{ product(id: "garbage") { title } }` },
    { name: 'variable of the wrong type', query: `query Product($slug: String!) { product(slug: $slug) { title } }`, variables: { slug: 12 } },
    { name: 'missing variable', query: `query Product($slug: String!) { product(slug: $slug) { title } }` },
    { name: 'node and fragments', query: `query($id: ID!) { node(id: $id) { __typename id ... on Product { slug variants { id } } ...S } } fragment S on Seller { name }`, variables: { id: productId } },
    { name: 'nodes with misses', query: `query($id: ID!) { nodes(ids: [$id, "bm9wZQ", "UHJvZHVjdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"]) { __typename id } }`, variables: { id: productId } },
    { name: 'skip and include', query: `query($a: Boolean!, $b: Boolean!) { products(first: 2) { nodes { slug title @skip(if: $a) category @include(if: $b) { name } } } }`, variables: { a: true, b: false } },
    { name: 'aliases', query: `{ a: products(first: 1) { nodes { t: title } } b: categories { n: name } }` },
    { name: 'category tree', query: `{ categories { id name slug position children { name parent { slug } children { name } } } }` },
    { name: 'category by slug', query: `{ category(slug: "moda") { name ancestors { name } } }` },
    { name: 'sellers', query: `{ sellers(first: 3) { edges { cursor node { id name slug rating ratingCount status createdAt description shipping { flatRate { amount formatted } freeShippingThreshold { amount } } } } pageInfo { hasNextPage endCursor } } }` },
    { name: 'seller with listings', query: `query($slug: String!) { seller(slug: $slug) { name listings(first: 3) { nodes { sku product { title } variant { title } } } } }`, variables: { slug: sellerSlug } },
    { name: 'seller api keys as guest', query: `query($slug: String!) { seller(slug: $slug) { name apiKeys { name prefix } } }`, variables: { slug: sellerSlug } },
    { name: 'seller api keys as itself', query: `query($slug: String!) { seller(slug: $slug) { name apiKeys { name prefix scopes } } }`, variables: { slug: sellerSlug }, as: 'seller' },
    { name: 'current seller as guest', query: `{ currentSeller { name } }` },
    { name: 'current seller as seller', query: `{ currentSeller { name slug } }`, as: 'seller' },
    { name: 'admin sees everything', query: `{ sellers(first: 20) { nodes { slug status } } }`, as: 'admin' },
    { name: 'viewer as guest', query: `{ viewer { id } }` },
    { name: 'viewer as customer', query: `{ viewer { id email name createdAt } }`, as: 'customer' },
    { name: 'bad token', query: `{ products(first: 1) { nodes { slug } } }`, as: 'bad-token' },
    { name: 'too costly', query: `{ products(first: 100) { nodes { variants { listings { seller { listings(first: 100) { nodes { product { variants { title } } } } } } } } } }` },
    { name: 'two operations, one named', query: `query A { categories { name } } query B { sellers(first: 1) { nodes { name } } }`, operationName: 'B' },
    { name: 'unknown operation name', query: `query A { categories { name } }`, operationName: 'C' },
    { name: 'introspection', query: `{ __type(name: "Product") { name fields { name type { name kind } } } }` },
    { name: 'mutation refused to a guest', query: `mutation { productArchive(input: { id: "${productId}" }) { product { id } userErrors { field message code } } }` },
    { name: 'mutation with user errors', query: `mutation { productCreate(input: { title: "", variants: [] }) { product { id } userErrors { field message code } } }`, as: 'seller' },
  ];
}

interface Tokens {
  seller: string;
  customer: string;
}

function headers(app: App, c: Case, tokens: Tokens): Record<string, string> {
  const auth = { guest: undefined, ...tokens, admin: app.config.adminKey, 'bad-token': 'not-a-real-token' }[c.as ?? 'guest'];
  return { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) };
}

async function send(app: App, c: Case, tokens: Tokens): Promise<{ status: number; body: unknown }> {
  const res = await fetch(app.url, {
    method: 'POST',
    headers: headers(app, c, tokens),
    body: JSON.stringify({ query: c.query, variables: c.variables, operationName: c.operationName }),
  });
  return { status: res.status, body: await res.json() };
}

async function main(): Promise<void> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  const common = { port: 0, host: '127.0.0.1', logLevel: 'silent' as const, dataDir: DATA_DIR, embeddedPgPort: 54338 };
  const fast = await createApp({ ...common, fastPaths: true });
  const reference = await createApp({ ...common, databaseUrl: (fast.dataSource.options as { url: string }).url, migrateOnStart: false, fastPaths: false });
  let failures = 0;
  try {
    const seed = await seedDatabase(fast.dataSource, 'small');
    const [first] = await fast.dataSource.query(`SELECT id, slug FROM product WHERE status = 'active' ORDER BY created_at DESC LIMIT 1`);
    const seller = seed.sellers[0]!;
    const setup = async <T>(query: string) => (await send(reference, { name: 'setup', query }, { seller: '', customer: '' })).body as { data: T };
    const page = await setup<{ products: { pageInfo: { endCursor: string } } }>('{ products(first: 2) { pageInfo { endCursor } } }');
    const signUp = await setup<{ customerSignUp: { customerAccessToken: { accessToken: string } } }>(
      'mutation { customerSignUp(input: { email: "parity@example.com", password: "correct horse battery", name: "Parity" }) { customerAccessToken { accessToken } } }',
    );
    const tokens = { seller: seller.apiKey, customer: signUp.data.customerSignUp.customerAccessToken.accessToken };
    const productId = Buffer.from(`Product:${first.id}`).toString('base64url');
    for (const c of cases(first.slug, productId, seller.slug, page.data.products.pageInfo.endCursor)) {
      for (let run = 1; run <= RUNS; run++) {
        const [a, b] = [await send(fast, c, tokens), await send(reference, c, tokens)];
        const [ja, jb] = [JSON.stringify(a), JSON.stringify(b)];
        if (ja !== jb) {
          failures++;
          console.log(`DIFFERENT ${c.name} (run ${run}):\n  fast paths: ${ja.slice(0, 600)}\n  reference:  ${jb.slice(0, 600)}`);
          break;
        }
        if (run === RUNS) console.log(`same      ${c.name}: ${a.status} ${ja.length} bytes${ja.includes('"errors"') ? ', with errors' : ''}`);
      }
    }
  } finally {
    await reference.stop();
    await fast.stop();
  }
  console.log(failures ? `${failures} operations differ` : 'with and without the fast paths, every operation was answered identically');
  process.exitCode = failures ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
