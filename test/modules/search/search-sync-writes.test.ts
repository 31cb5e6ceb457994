import { randomUUID } from 'node:crypto';
import { createListing, createProduct, createSeller, type TestSeller, uuidOf } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';

// Migration 1764287000000: search's copies are written only when they change (a row version's xmin says whether
// it was), the document is derived again only when the text changed, and units sold and likes are copied for all
// rows of a statement at once.

let t: TestApp;
let seller: TestSeller;
beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
});
afterAll(() => t.stop());

const word = () => `zq${randomUUID().replace(/[^a-f]/g, '').slice(0, 8)}`;

interface SearchRow {
  xmin: string;
  document: string;
  minPrice: string;
  inStock: boolean;
  searchable: boolean;
  salesCount: number;
  likeCount: number;
}

async function row(productId: string): Promise<SearchRow> {
  const [r] = await t.sql(
    `SELECT xmin::text AS xmin, document::text AS document, min_price::text AS "minPrice", in_stock AS "inStock", searchable,
            sales_count AS "salesCount", like_count AS "likeCount"
       FROM search_product WHERE product_id = $1`,
    [productId],
  );
  return r;
}

async function found(query: string): Promise<string[]> {
  const data = await t.data('query ($q: String!) { search(query: $q, first: 10) { nodes { id } } }', { q: query });
  return data.search.nodes.map((n: { id: string }) => n.id);
}

async function listed(title: string): Promise<{ productId: string; gid: string; listingId: string }> {
  const product = await createProduct(t, seller.key, { title, description: 'Una lámpara de latón', language: 'ES' });
  const listingId = await createListing(t, seller.key, product.variantIds[0]!, { stock: 3 });
  return { productId: uuidOf(product.id), gid: product.id, listingId };
}

describe('search_product follows product updates', () => {
  it('a price change reaches search and keeps the document; a title change derives it again', async () => {
    const [first, second] = [word(), word()];
    const p = await listed(`Lampara ${first}`);
    const before = await row(p.productId);
    expect(before.minPrice).toBe('1000');

    const price = await t.data(
      'mutation ($input: ListingUpdateInput!) { listingUpdate(input: $input) { userErrors { code } } }',
      { input: { id: p.listingId, price: { amount: 2500, currency: 'EUR' } } },
      seller.key,
    );
    expect(price.listingUpdate.userErrors).toEqual([]);
    const priced = await row(p.productId);
    expect(priced.minPrice).toBe('2500');
    expect(priced.xmin).not.toBe(before.xmin);
    expect(priced.document).toBe(before.document);
    const { search } = await t.data('query ($q: String!) { search(query: $q, filter: { priceMin: 2000 }) { nodes { id } } }', { q: first });
    expect(search.nodes.map((n: { id: string }) => n.id)).toEqual([p.gid]);

    const title = await t.data(
      'mutation ($input: ProductUpdateInput!) { productUpdate(input: $input) { userErrors { code } } }',
      { input: { id: p.gid, title: `Lampara ${second}` } },
      seller.key,
    );
    expect(title.productUpdate.userErrors).toEqual([]);
    const retitled = await row(p.productId);
    expect(retitled.document).not.toBe(before.document);
    expect(retitled.document).toContain(second);
    expect(retitled.document).not.toContain(first);
    expect(await found(second)).toEqual([p.gid]);
    expect(await found(first)).toEqual([]);

    // The description and the language are the document's too.
    await t.sql(`UPDATE product SET description = 'Un farol de hierro' WHERE id = $1`, [p.productId]);
    expect((await row(p.productId)).document).toContain('farol');
    const spanish = (await row(p.productId)).document;
    await t.sql(`UPDATE product SET language = 'en' WHERE id = $1`, [p.productId]);
    expect((await row(p.productId)).document).not.toBe(spanish);
  });

  it('an update that changes nothing search keeps writes no row; stock and status changes do', async () => {
    const p = await listed(`Lampara ${word()}`);
    const before = await row(p.productId);
    await t.sql('UPDATE product SET min_price = min_price, title = title WHERE id = $1', [p.productId]);
    expect(await row(p.productId)).toEqual(before);

    await t.sql('UPDATE product SET in_stock = false WHERE id = $1', [p.productId]);
    const out = await row(p.productId);
    expect(out.inStock).toBe(false);
    expect(out.xmin).not.toBe(before.xmin);
    expect(out.document).toBe(before.document);

    await t.sql(`UPDATE product SET status = 'draft' WHERE id = $1`, [p.productId]);
    expect((await row(p.productId)).searchable).toBe(false);
  });

  it('a statement updating many products keeps each one right', async () => {
    const [a, b] = [await listed(`Lampara ${word()}`), await listed(`Lampara ${word()}`)];
    const renamed = word();
    await t.sql(
      `UPDATE product SET title = CASE WHEN id = $1 THEN $3 ELSE title END, min_price = min_price + 1 WHERE id = ANY(ARRAY[$1, $2]::uuid[])`,
      [a.productId, b.productId, `Farol ${renamed}`],
    );
    const [ra, rb] = [await row(a.productId), await row(b.productId)];
    expect([ra.minPrice, rb.minPrice]).toEqual(['1001', '1001']);
    expect(ra.document).toContain(renamed);
    expect(rb.document).not.toContain(renamed);
  });
});

describe('search_product follows product_popularity', () => {
  it('copies units sold and likes of every row of one statement, and writes nothing for a view', async () => {
    const products = [await listed(`Lampara ${word()}`), await listed(`Lampara ${word()}`), await listed(`Lampara ${word()}`)];
    const ids = products.map((p) => p.productId);
    // As the sales handler writes a batch: one upsert over several products (inserted and updated rows).
    await t.sql('INSERT INTO product_popularity (product_id) VALUES ($1)', [ids[0]]);
    await t.sql(
      `INSERT INTO product_popularity AS pp (product_id, sales_count) SELECT id, n FROM unnest($1::uuid[], $2::int[]) x(id, n) ORDER BY id
       ON CONFLICT (product_id) DO UPDATE SET sales_count = pp.sales_count + excluded.sales_count`,
      [ids, [4, 5, 6]],
    );
    expect(await Promise.all(ids.map(async (id) => (await row(id)).salesCount))).toEqual([4, 5, 6]);

    const before = await row(ids[1]!);
    await t.sql('UPDATE product_popularity SET view_count = view_count + 1, updated_at = now() WHERE product_id = ANY($1)', [ids]);
    expect(await row(ids[1]!)).toEqual(before);

    await t.sql('UPDATE product_popularity SET like_count = like_count + 1 WHERE product_id = $1', [ids[1]]);
    expect(await row(ids[1]!)).toMatchObject({ likeCount: 1, salesCount: 5 });
    await t.sql('UPDATE product_popularity SET sales_count = sales_count - 5 WHERE product_id = ANY($1)', [ids.slice(1)]);
    expect(await Promise.all(ids.map(async (id) => (await row(id)).salesCount))).toEqual([4, 0, 1]);
  });
});
