import 'reflect-metadata';
import { createApp } from '../src/app';
import type { ThrottleConfig } from '../src/config';
import { statementCount } from '../src/db/data-source';
import { seedDatabase, type SeedResult, type SeedScale } from '../src/seed/seed';
import { loadPlugins } from '../src/plugin-host/load-plugins';
import { childOptions, failToParent, serveParent } from './child-process';

export interface ZocoServerOptions {
  dataDir: string;
  /** An empty database to use; otherwise the embedded PostgreSQL in dataDir/pg. */
  databaseUrl?: string;
  embeddedPgPort: number;
  /** false: graphql-js and type-graphql's resolver wrappers, to see what the fast paths buy. */
  fastPaths?: boolean;
  /** false: use the database as it is (a second server on seeded data); 'if-empty': seed unless it has products. */
  seed?: boolean | 'if-empty';
  /** The seed's scale; default `bench`. */
  scale?: SeedScale;
  /** At most this many product slugs in the info, spread over the catalog (a 1M catalog's would be 40 MB). */
  slugs?: number;
  /** Plugins to offer (folders under plugins/), as ZOCO_PLUGINS would. */
  plugins?: string[];
  /**
   * The throttle; default: on, with buckets no benchmark drains (all its load comes from one address), so
   * every request pays for its bucket without being refused. `{ enabled: false }` to measure without it.
   */
  throttle?: Partial<ThrottleConfig>;
  /** config.searchExactLimit (src/modules/search README "Bounded work"); default the config's. */
  searchExactLimit?: number;
}

const UNDRAINABLE: Partial<ThrottleConfig> = { enabled: true, bucketSize: 1e12, restoreRate: 1e12, sellerBucketSize: 1e12, sellerRestoreRate: 1e12 };

export interface ZocoServerInfo {
  url: string;
  /** Where the app's data lives, for the baseline server to read the same rows. */
  databaseUrl: string;
  productSlugs: string[];
  pgVersion: string;
  seeded: { sellers: number; products: number; variants: number; listings: number; ms: number };
}

/** The real app (createApp), seeded with the `bench` scale (or `scale`), in its own process. */
async function main(): Promise<void> {
  const options = childOptions<ZocoServerOptions>();
  const app = await createApp({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    dataDir: options.dataDir,
    embeddedPgPort: options.embeddedPgPort,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    fastPaths: options.fastPaths ?? true,
    plugins: loadPlugins(options.plugins ?? []),
    throttle: options.throttle ?? UNDRAINABLE,
    ...(options.searchExactLimit ? { searchExactLimit: options.searchExactLimit } : {}),
    // The cost estimate is a worst case (server/cost.ts): a CATALOG page of 100 products with every
    // variant's listings is rated 30,501; the statement counts (run.ts) go up to first: 100.
    limits: { maxCost: 50_000 },
  });
  const started = Date.now();
  let seed: SeedResult;
  const [{ count }] = await app.dataSource.query('SELECT count(*)::int AS count FROM product');
  if (options.seed === false || (options.seed === 'if-empty' && count > 0)) {
    // Every n-th active product by creation: the same sample for the same catalog.
    const every = options.slugs ? Math.max(1, Math.floor(count / options.slugs)) : 1;
    const rows: { slug: string }[] = await app.dataSource.query(
      `SELECT slug FROM (SELECT slug, row_number() OVER (ORDER BY created_at) AS n FROM product WHERE status = 'active') p
        WHERE n % $1 = 0 ORDER BY n`,
      [every],
    );
    seed = { sellers: [], products: 0, variants: 0, listings: 0, productSlugs: rows.map((r) => r.slug) };
  } else {
    seed = await seedDatabase(app.dataSource, options.scale ?? 'bench');
    // Fresh statistics, as a long-running database would have them.
    await app.dataSource.query('VACUUM ANALYZE');
    if (options.slugs) seed.productSlugs = seed.productSlugs.filter((_, i, all) => i % Math.max(1, Math.floor(all.length / options.slugs!)) === 0);
  }
  const [{ server_version: pgVersion }] = await app.dataSource.query('SHOW server_version');
  const info: ZocoServerInfo = {
    url: app.url,
    databaseUrl: (app.dataSource.options as { url: string }).url,
    productSlugs: seed.productSlugs,
    pgVersion,
    seeded: { sellers: seed.sellers.length, products: seed.products, variants: seed.variants, listings: seed.listings, ms: Date.now() - started },
  };
  serveParent(
    info,
    {
      statements: () => statementCount(app.dataSource),
      /** Installs every offered plugin, with its default config, for every other seller. */
      async installForHalf() {
        for (const name of options.plugins ?? []) {
          const config = loadPlugins([name])[0]!.config.parse({});
          await app.dataSource.query(
            `INSERT INTO plugin_installation (seller_id, plugin, config)
             SELECT id, $1, $2 FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM seller) s WHERE n % 2 = 0
             ON CONFLICT DO NOTHING`,
            [name, JSON.stringify(config)],
          );
        }
      },
      /** One in ten of the co-creation sellers' products was made from a customer proposal (one in twenty of all). */
      async coCreateOneInTwenty() {
        await app.dataSource.query(`
            WITH proposer AS (
              INSERT INTO customer (email, name, password_hash) VALUES ('proposer@bench.invalid', 'Bench proposer', '-') RETURNING id
            ), picked AS (
              SELECT p.id, p.title, p.created_by_seller_id AS seller_id, row_number() OVER (ORDER BY p.created_at, p.id) AS n
                FROM product p JOIN plugin_installation i ON i.seller_id = p.created_by_seller_id AND i.plugin = 'co-creation'
            ), marked AS (
              UPDATE product SET created_by_plugin = 'co-creation' WHERE id IN (SELECT id FROM picked WHERE n % 10 = 0) RETURNING id
            )
            INSERT INTO co_creation_proposal (id, seller_id, customer_id, title, description, status, votes, approved_at, converted_at, product_id)
            SELECT gen_random_uuid(), seller_id, (SELECT id FROM proposer), title, 'Proposed by a customer', 'converted', 25, now(), now(), id
              FROM picked WHERE n % 10 = 0 AND id IN (SELECT id FROM marked)`);
      },
    },
    () => app.stop(),
  );
}

main().catch(failToParent);
