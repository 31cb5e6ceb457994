import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { generateSellerKey } from '../auth/api-keys';
import { sellerScopes } from '../auth/viewer';
import { slugify } from '../core/slug';
import { isListingOffered } from '../modules/catalog';
import { holdTierRanking, indexLoadedProducts, rankSearchTiers, withSearchIndexDeferred } from '../modules/search';
import { DEFAULT_SEARCH_EXACT_LIMIT } from '../config';
import { bulkInsert } from './bulk-insert';
import { withIndexesDeferred } from './deferred-indexes';
import { createRandom, type Random } from './prng';
import { brands, categoryTree, colours, nouns, qualities, sellerNames, sizes } from './vocabulary';

/** Where the seed's sellers are registered: [city, postal code]. */
const SEED_CITIES: [string, string][] = [['Madrid', '28013'], ['Barcelona', '08002'], ['Valencia', '46002'], ['Sevilla', '41004'], ['Bilbao', '48005']];

export type SeedScale = 'small' | 'bench' | 'large' | 'xl';

export const SEED_SCALES: readonly SeedScale[] = ['small', 'bench', 'large', 'xl'];

const scales: Record<SeedScale, { sellers: number; products: number; variants: [number, number] }> = {
  small: { sellers: 10, products: 300, variants: [1, 3] },
  bench: { sellers: 50, products: 5_000, variants: [3, 3] },
  large: { sellers: 100, products: 100_000, variants: [3, 3] },
  xl: { sellers: 200, products: 1_000_000, variants: [3, 3] },
};

/** Products generated and written at a time, with their variants and listings (~4.5 listings each). */
const PRODUCT_BATCH = 10_000;

const PRODUCT_COLUMNS = {
  id: 'uuid', slug: 'text', title: 'text', description: 'text', category_id: 'uuid', images: 'jsonb', attributes: 'jsonb', status: 'text',
  created_by_seller_id: 'uuid', created_at: 'timestamptz', language: 'text', min_price: 'bigint', max_price: 'bigint', in_stock: 'boolean',
};
const VARIANT_COLUMNS = { id: 'uuid', product_id: 'uuid', title: 'text', options: 'jsonb', gtin: 'text', position: 'int' };
const LISTING_COLUMNS = {
  id: 'uuid', seller_id: 'uuid', variant_id: 'uuid', product_id: 'uuid', sku: 'text', price: 'bigint', compare_at_price: 'bigint',
  currency: 'text', stock: 'int', condition: 'text', handling_days: 'int',
};

export interface SeedResult {
  sellers: { id: string; slug: string; name: string; apiKey: string }[];
  products: number;
  variants: number;
  listings: number;
  productSlugs: string[];
}

function ean13(n: number): string {
  const body = `84${String(n).padStart(10, '0')}`;
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * (i % 2 ? 3 : 1), 0);
  return body + ((10 - (sum % 10)) % 10);
}

function variantOptions(rng: Random, leaf: string, count: number, spanish: boolean): Record<string, string>[] {
  const colour = (i: number) => colours[i % colours.length]![spanish ? 0 : 1];
  if (count === 1) return [{}];
  if (['camisetas', 'zapatillas', 'chaquetas', 'running'].includes(leaf)) {
    const start = rng.int(0, sizes.length - count);
    const c = colour(rng.int(0, colours.length - 1));
    return Array.from({ length: count }, (_, i) => ({ [spanish ? 'talla' : 'size']: sizes[start + i]!, [spanish ? 'color' : 'colour']: c }));
  }
  const offset = rng.int(0, colours.length - 1);
  return Array.from({ length: count }, (_, i) => ({ [spanish ? 'color' : 'colour']: colour(offset + i) }));
}

/**
 * Fills an empty database with a deterministic marketplace: the same scale always produces the
 * same sellers, categories, products, variants and listings (API keys excepted: they are secrets).
 * Ends by ranking the search tiers for `searchExactLimit` (the app's config.searchExactLimit; its tier job ranks
 * them again every config.searchTierMs).
 */
export async function seedDatabase(
  db: DataSource,
  scale: SeedScale,
  { log, searchExactLimit = DEFAULT_SEARCH_EXACT_LIMIT }: { log?: Logger; searchExactLimit?: number } = {},
): Promise<SeedResult> {
  const size = scales[scale];
  const rng = createRandom(20261123);
  const [{ count }] = await db.query('SELECT count(*)::int AS count FROM product');
  if (count > 0) throw new Error('The database already has products; seed an empty database.');
  const started = Date.now();
  const epoch = Date.parse('2026-01-01T00:00:00Z');

  return db.transaction(async (tx) => {
    // No other ranking from now to the commit: the seed ranks its own catalog at its end (below), and an app's tier
    // job that took the lock meanwhile would make that ranking give way to it (search-tiers.ts holdTierRanking).
    await holdTierRanking(tx);
    const sellers: SeedResult['sellers'] = [];
    const sellerRows: unknown[][] = [];
    const keyRows: unknown[][] = [];
    for (let i = 0; i < size.sellers; i++) {
      const id = rng.uuid();
      const base = sellerNames[i % sellerNames.length]!;
      const name = i < sellerNames.length ? base : `${base} ${Math.floor(i / sellerNames.length) + 1}`;
      const slug = slugify(name);
      // Ratings come from reviews only (issue 12); the two draws that made the old seeded rating stay, so
      // every later draw, and so the rest of the seeded data, is what it was.
      rng.next();
      rng.int(5, 500);
      // The last seller of the small demo is suspended, to show that its listings disappear.
      const status = scale === 'small' && i === size.sellers - 1 ? 'suspended' : 'active';
      // A legal address each: checkout refuses sellers without one (issue 13); invoices print it.
      const city = SEED_CITIES[i % SEED_CITIES.length]!;
      const address = { name: `${name} S.L.`, line1: `Calle ${base} ${1 + (i % 90)}`, line2: null, city: city[0], region: null, postalCode: city[1], country: 'ES', phone: null };
      sellerRows.push([id, slug, name, `${name}: envíos rápidos desde España.`, `${name} S.L.`, `B${String(10_000_000 + i)}`, status, new Date(epoch + i * 60_000), JSON.stringify(address)]);
      const key = generateSellerKey();
      keyRows.push([id, 'seed', key.prefix, key.hash]);
      sellers.push({ id, slug, name, apiKey: key.key });
    }
    await bulkInsert(tx, 'seller', { id: 'uuid', slug: 'text', name: 'text', description: 'text', legal_name: 'text', tax_id: 'text', status: 'text', created_at: 'timestamptz', address: 'jsonb' }, sellerRows);
    await tx.query(
      `INSERT INTO seller_api_key (seller_id, name, prefix, key_hash, scopes)
       SELECT k.*, $5::text[] FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) k`,
      [0, 1, 2, 3].map((c) => keyRows.map((r) => r[c])).concat([[...sellerScopes]]),
    );

    const leaves: { id: string; slug: string }[] = [];
    const categoryRows: unknown[][] = [];
    categoryTree.forEach((root, r) => {
      const rootId = rng.uuid();
      categoryRows.push([rootId, root.slug, root.name, null, rootId, r]);
      if (!root.children.length) leaves.push({ id: rootId, slug: root.slug });
      root.children.forEach((child, c) => {
        const id = rng.uuid();
        categoryRows.push([id, child.slug, child.name, rootId, `${rootId}/${id}`, c]);
        leaves.push({ id, slug: child.slug });
      });
    });
    await bulkInsert(tx, 'category', { id: 'uuid', slug: 'text', name: 'text', parent_id: 'uuid', path: 'text', position: 'int' }, categoryRows);

    // Seeded listings are all active: whether one is offered is up to its seller's status.
    const sellerOffers = new Map(sellers.map((s, i) => [s.id, isListingOffered({ status: 'active' }, { status: sellerRows[i]![6] as string })]));
    const catalog = { rng, size, epoch, leaves, sellers, sellerOffers };
    const productSlugs: string[] = [];
    const productIds: string[][] = [];
    let variants = 0;
    let listings = 0;
    await withSearchIndexDeferred(tx, async () => {
      await withIndexesDeferred(tx, ['product', 'product_variant', 'listing'], async () => {
        // Batch n+1 is generated while batch n is written: the generator yields now and then, so the
        // connection is sent the next statement as soon as the database is done with one.
        let writing: Promise<void> = Promise.resolve();
        for (let first = 0; first < size.products; first += PRODUCT_BATCH) {
          const batch = await generateBatch(catalog, first, Math.min(first + PRODUCT_BATCH, size.products), variants);
          await writing;
          writing = writeBatch(tx, batch);
          writing.catch(() => undefined); // awaited above on the next turn, or below
          productSlugs.push(...batch.slugs);
          productIds.push(batch.products.map((r) => r[0] as string));
          variants += batch.variants.length;
          listings += batch.listings.length;
          log?.debug({ products: first + batch.products.length, ms: Date.now() - started }, 'seeding');
        }
        await writing;
      });
      // Statistics before the index rows are computed: each reads its product's listings.
      await tx.query('ANALYZE seller, category, product, product_variant, listing');
      await withIndexesDeferred(tx, ['search_product'], async () => {
        for (const ids of productIds) await indexLoadedProducts(tx, ids);
      });
    });
    // Every batch in the seed's own transaction (nobody else holds its rows): a fully ranked catalog at its commit.
    await rankSearchTiers((fn) => fn(tx), searchExactLimit);
    await tx.query('ANALYZE search_product, search_vocabulary');
    log?.info(
      { scale, sellers: sellers.length, products: size.products, variants, listings, ms: Date.now() - started },
      'seeded',
    );
    return { sellers, products: size.products, variants, listings, productSlugs };
  });
}

interface Catalog {
  rng: Random;
  size: (typeof scales)[SeedScale];
  epoch: number;
  leaves: { id: string; slug: string }[];
  sellers: SeedResult['sellers'];
  sellerOffers: Map<string, boolean>;
}

interface Batch {
  products: unknown[][];
  variants: unknown[][];
  listings: unknown[][];
  slugs: string[];
}

/** Products [from, to) with their variants and listings; `variantsBefore` numbers the GTINs. */
async function generateBatch({ rng, size, epoch, leaves, sellers, sellerOffers }: Catalog, from: number, to: number, variantsBefore: number): Promise<Batch> {
  const batch: Batch = { products: [], variants: [], listings: [], slugs: [] };
  for (let p = from; p < to; p++) {
    if (p % 1_000 === 0) await new Promise(setImmediate);
    const id = rng.uuid();
    const leaf = rng.pick(leaves);
    const spanish = p % 2 === 0;
    const [nounEs, nounEn] = rng.pick(nouns[leaf.slug]!);
    const [qualityEs, qualityEn] = rng.pick(qualities);
    const brand = rng.pick(brands);
    const title = spanish ? `${nounEs} ${qualityEs} ${brand}` : `${brand} ${qualityEn} ${nounEn}`;
    const slug = `${slugify(title)}-${p + 1}`;
    const creator = rng.pick(sellers);
    const status = rng.chance(0.03) ? 'draft' : 'active';
    const images = JSON.stringify([{ url: `https://images.zoco.example/${slug}.jpg`, alt: title }]);
    const attributes = JSON.stringify({ brand, language: spanish ? 'es' : 'en' });
    if (status === 'active') batch.slugs.push(slug);
    const basePrice = rng.int(5, 500) * 100 - 1;
    const variantCount = rng.int(size.variants[0], size.variants[1]);
    // The price range and stock flag of the offered listings (as catalog's refreshPrices computes them),
    // written with the product: the listings reference it, so they come after it.
    let minPrice: number | null = null;
    let maxPrice: number | null = null;
    let inStock = false;
    variantOptions(rng, leaf.slug, variantCount, spanish).forEach((options, v) => {
      const variantId = rng.uuid();
      const title = Object.values(options).join(' / ') || 'Default';
      batch.variants.push([variantId, id, title, JSON.stringify(options), ean13(variantsBefore + batch.variants.length + 1), v]);
      // ~1.5 listings per variant: the creator, and another seller half of the time.
      const listers = [creator];
      if (rng.chance(0.5)) {
        const other = rng.pick(sellers);
        if (other !== creator) listers.push(other);
      }
      for (const seller of listers) {
        const price = Math.max(99, Math.round(basePrice * (0.85 + rng.next() * 0.3)));
        const stock = rng.chance(0.1) ? 0 : rng.int(1, 200);
        const condition = rng.chance(0.85) ? 'new' : rng.chance(0.66) ? 'refurbished' : 'used';
        const compareAt = rng.chance(0.2) ? Math.round(price * 1.25) : null;
        batch.listings.push([rng.uuid(), seller.id, variantId, id, `SKU-${p + 1}-${v + 1}`, price, compareAt, 'EUR', stock, condition, rng.int(0, 5)]);
        if (sellerOffers.get(seller.id)) {
          minPrice = minPrice === null ? price : Math.min(minPrice, price);
          maxPrice = maxPrice === null ? price : Math.max(maxPrice, price);
          inStock ||= stock > 0;
        }
      }
    });
    const description = spanish ? `${title}. Calidad garantizada.` : `${title}. Quality guaranteed.`;
    batch.products.push([id, slug, title, description, leaf.id, images, attributes, status, creator.id, new Date(epoch + p * 37_000), spanish ? 'es' : 'en', minPrice, maxPrice, inStock]);
  }
  return batch;
}

async function writeBatch(tx: EntityManager, batch: Batch): Promise<void> {
  await bulkInsert(tx, 'product', PRODUCT_COLUMNS, batch.products);
  await bulkInsert(tx, 'product_variant', VARIANT_COLUMNS, batch.variants);
  // Stock and prices are written here directly rather than listing by listing through catalog's stock.ts.
  await bulkInsert(tx, 'listing', LISTING_COLUMNS, batch.listings);
}
