import 'reflect-metadata';
import { createApp } from '../src/app';
import { statementCount, type StatementCounter } from '../src/db/data-source';
import { insertCustomers } from '../src/plugin-testing/bulk-customers';
import { toGlobalId } from '../src/core/global-id';
import { seedDatabase } from '../src/seed/seed';
import { childOptions, failToParent, serveParent } from './child-process';
import { databaseCpuMicros, processesCpuMicros } from './database-cpu';
import { openScratchApp } from './scratch-app';
import path from 'node:path';

export interface CheckoutServerOptions {
  dataDir: string;
  embeddedPgPort: number;
  /** With DATABASE_URL set: the database made (dropped first) on its server, so runs never write another's. */
  database: string;
  buyers: number;
  /** Listings bought from, per seller: few, so buyers contend for the same rows. */
  hotListingsPerSeller: number;
}

export interface CheckoutServerInfo {
  url: string;
  tokens: string[];
  /** Hot listings' global IDs grouped by seller, for 3-seller carts. */
  listingsBySeller: string[][];
  /** For the plain-SQL purchase baseline (purchase-baseline-server.ts): the app's database, token secret and currency. */
  databaseUrl: string;
  jwtSecret: string;
  currency: string;
}

/** The real app with the small demo marketplace, buyers with a saved address and card, and stock to sell. */
async function main(): Promise<void> {
  const options = childOptions<CheckoutServerOptions>();
  const scratch = process.env['DATABASE_URL'] ? await openScratchApp(options.database) : null;
  const app =
    scratch?.app ??
    (await createApp({ port: 0, host: '127.0.0.1', logLevel: 'warn', dataDir: options.dataDir, embeddedPgPort: options.embeddedPgPort }));
  const db = app.dataSource;
  await seedDatabase(db, 'small');
  const hot: { id: string; sellerId: string }[] = await db.query(
    `SELECT id, seller_id AS "sellerId" FROM (
       SELECT l.id, l.seller_id, row_number() OVER (PARTITION BY l.seller_id ORDER BY l.id) AS n
         FROM listing l JOIN seller s ON s.id = l.seller_id JOIN product p ON p.id = l.product_id
        WHERE s.status = 'active' AND p.status = 'active' AND l.status = 'active') x
      WHERE n <= $1`,
    [options.hotListingsPerSeller],
  );
  // Enough stock for the whole run; the oversell check compares it with what was sold.
  await db.query('UPDATE listing SET stock = 1000000 WHERE id = ANY($1)', [hot.map((h) => h.id)]);
  await db.query(`CREATE TABLE bench_initial_stock AS SELECT id, stock FROM listing WHERE id = ANY($1)`, [hot.map((h) => h.id)]);
  // Buyers with a default address and card (one-click) and a session each, as the plugin kit makes them.
  const buyers = await insertCustomers(app, options.buyers);
  await db.query('VACUUM ANALYZE');
  const bySeller = new Map<string, string[]>();
  for (const h of hot) bySeller.set(h.sellerId, [...(bySeller.get(h.sellerId) ?? []), toGlobalId('Listing', h.id)]);
  // The app's pool and the background's (the events' handlers): a purchase's statements are both's.
  const sources = [db, app.runtime.backgroundDataSource].filter((d) => d !== null);
  const trace = statementTrace(
    sources.map((d) => d.logger as unknown as StatementCounter),
    app.services.events,
  );
  const info: CheckoutServerInfo = {
    url: app.url,
    tokens: buyers.map((b) => b.token),
    listingsBySeller: [...bySeller.values()],
    databaseUrl: app.runtime.databaseUrl,
    jwtSecret: app.config.jwtSecret,
    currency: app.config.currency,
  };
  serveParent(
    info,
    {
      /** Starts recording every statement the app sends (one purchase at a time: see statementTrace); `dispatch`: with its events' dispatch on. */
      async traceStart(arg: unknown) {
        trace.start((arg as { dispatch?: boolean } | undefined)?.dispatch ?? false);
        return null;
      },
      async traceStop() {
        return trace.stop();
      },
      async statements() {
        return sources.reduce((sum, d) => sum + statementCount(d), 0);
      },
      /** Cumulative CPU time of this process (the app: HTTP, GraphQL, services, pg client), microseconds. */
      async cpu() {
        const { user, system } = process.cpuUsage();
        return user + system;
      },
      /**
       * Cumulative CPU time of the database, microseconds: the embedded server's processes, or on DATABASE_URL's
       * server the backends of this database (the pool keeps its connections under load); null when unreadable.
       */
      async databaseCpu() {
        if (!scratch) return databaseCpuMicros(path.join(options.dataDir, 'pg'));
        const rows: { pid: string }[] = await db.query('SELECT pid::text FROM pg_stat_activity WHERE datname = current_database()');
        const cpu = processesCpuMicros(rows.map((r) => r.pid));
        return cpu && [...cpu.values()].reduce((sum, us) => sum + us, 0);
      },
      /**
       * Two live promotions per seller of the hot listings (issue 10 benchmark): 10% off everything, and a
       * targeted 5% for customers with churn risk ≥ 0.5, which every bench buyer has (consent and traits given).
       */
      async promote() {
        await db.query(
          `INSERT INTO customer_consent (customer_id, kind, granted, source) SELECT id, 'personalization', true, 'bench' FROM unnest($1::uuid[]) id
           ON CONFLICT (customer_id, kind) DO UPDATE SET granted = true`,
          [buyers.map((b) => b.uuid)],
        );
        await db.query(
          `INSERT INTO customer_trait (customer_id, churn_risk) SELECT id, 0.8 FROM unnest($1::uuid[]) id
           ON CONFLICT (customer_id) DO UPDATE SET churn_risk = 0.8`,
          [buyers.map((b) => b.uuid)],
        );
        const sellers = [...new Set(hot.map((h) => h.sellerId))];
        await db.query(
          `INSERT INTO promotion (seller_id, name, kind, percent_off, currency, scope, trigger, stacking, priority, targeting)
           SELECT s, '10% off', 'PERCENTAGE', 10, 'EUR', 'ALL', 'AUTOMATIC', 'STACKABLE', 1, NULL FROM unnest($1::uuid[]) s
           UNION ALL
           SELECT s, 'We miss you', 'PERCENTAGE', 5, 'EUR', 'ALL', 'AUTOMATIC', 'STACKABLE', 0, '{"trait":"CHURN_RISK","min":0.5}'::jsonb FROM unnest($1::uuid[]) s`,
          [sellers],
        );
        return { promotions: sellers.length * 2 };
      },
      /** Pauses (false) or resumes (true) the benchmark's promotions. */
      async promotions(arg: unknown) {
        await db.query(`UPDATE promotion SET status = $1 WHERE name IN ('10% off', 'We miss you')`, [arg ? 'active' : 'paused']);
        return null;
      },
      /** Orders since `since` and how many of them got a discount. */
      async discounted(arg: unknown) {
        const { since } = arg as { since: string };
        const [row] = await db.query(
          `SELECT count(*)::int AS orders, count(*) FILTER (WHERE discount > 0)::int AS discounted FROM orders WHERE placed_at >= $1`,
          [since],
        );
        return row;
      },
      /** Every hot listing's stock must equal its initial stock minus what orders took, and be ≥ 0. */
      async oversell() {
        const [row] = await db.query(
          `SELECT count(*) FILTER (WHERE l.stock < 0 OR l.stock <> i.stock - coalesce(sold.q, 0))::int AS wrong,
                  coalesce(sum(sold.q), 0)::int AS sold
             FROM listing l JOIN bench_initial_stock i ON i.id = l.id
             LEFT JOIN (SELECT ol.listing_id, sum(ol.quantity) AS q FROM order_line ol JOIN orders o ON o.id = ol.order_id
                         WHERE o.state <> 'cancelled' GROUP BY ol.listing_id) sold ON sold.listing_id = l.id`,
        );
        return row;
      },
      /**
       * ANALYZE, after the warm-up: what autovacuum does minutes into a live database, and a 90-second run never
       * gets. Plans cached while the purchase tables were nearly empty (the probes' first purchases: one page each)
       * are sequential scans, and connections keep them until the table is analyzed: the foreign-key checks on
       * cart, orders and checkout and the payment's claim scanned every row of their tables on every purchase,
       * ~14 M rows in 8 s by the end of the first measured phase (pg_stat_user_tables, auto_explain). The analyze
       * invalidates them; the next plans see the tables' real size.
       */
      async analyze() {
        await db.query('ANALYZE');
        return null;
      },
      /** Empties pg_stat_statements (with DATABASE_URL on a server that preloads it; false when it cannot). */
      async pgStatReset() {
        try {
          await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
          await db.query('SELECT pg_stat_statements_reset(), pg_stat_reset()');
          return true;
        } catch {
          return false;
        }
      },
      /** pg_stat_statements of this database since the reset: top-level and nested (triggers', foreign keys') statements. */
      async pgStat() {
        return db.query(
          `SELECT toplevel, calls::int, total_exec_time AS "execMs", total_plan_time AS "planMs", rows::int,
                  wal_records::int AS "walRecords", shared_blks_dirtied::int AS dirtied, regexp_replace(query, '[[:space:]]+', ' ', 'g') AS query
             FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time DESC`,
        );
      },
      /** pg_stat_user_functions since the reset (with `track_functions = all`): the trigger functions' own and total time. */
      async pgStatFunctions() {
        return db.query(
          `SELECT funcname AS name, calls::int, self_time AS "selfMs", total_time AS "totalMs" FROM pg_stat_user_functions ORDER BY total_time DESC`,
        );
      },
      /** The outbox now: events written so far and how many of them the handlers have delivered (the background's backlog). */
      async outbox() {
        const [row] = await db.query('SELECT count(*)::int AS written, count(dispatched_at)::int AS delivered FROM outbox');
        return row;
      },
      /**
       * What each side's purchases left, per checkout (the baseline's idempotency keys start with `baseline-`, a cart's
       * checkout has its cart_id): orders, lines, invoices and events per checkout, and the checks every purchase must
       * pass (totals add up, invoices match their orders, the payment captured at the provider after one authorization).
       */
      async purchaseShapes() {
        return db.query(
          // Aggregates over joins (the correlated subqueries use the tables' indexes): a run leaves tens of thousands of checkouts.
          `WITH ord AS (
             SELECT o.checkout_id, count(*) AS orders, sum(o.total) AS total,
                    count(*) FILTER (WHERE o.subtotal + o.shipping - o.discount + o.surcharge <> o.total) AS not_adding_up,
                    sum((SELECT count(*) FROM order_line ol WHERE ol.order_id = o.id)) AS lines,
                    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM invoice i WHERE i.order_id = o.id AND i.gross = o.total AND i.tax = o.tax
                                                     AND i.net + i.tax = i.gross AND jsonb_array_length(i.lines) > 0)) AS invoices
               FROM orders o GROUP BY o.checkout_id),
           pay AS (
             SELECT p.checkout_id, p.status,
                    (SELECT string_agg(t.operation, ',' ORDER BY t.operation) FROM test_payment t WHERE t.reference = p.provider_ref) AS provider
               FROM payment p WHERE p.checkout_id IS NOT NULL)
           SELECT ${SIDE} AS side, k.cart_id IS NOT NULL AS cart, count(*)::int AS checkouts,
                  (sum(ord.orders) / count(*))::float8 AS "ordersEach", (sum(ord.lines) / count(*))::float8 AS "linesEach",
                  (sum(ord.invoices) / count(*))::float8 AS "invoicesEach",
                  count(*) FILTER (WHERE ord.total IS DISTINCT FROM k.total OR ord.not_adding_up > 0)::int AS "totalsWrong",
                  count(*) FILTER (WHERE pay.status = 'captured' AND pay.provider = 'authorize,capture')::int AS captured
             FROM checkout k LEFT JOIN ord ON ord.checkout_id = k.id LEFT JOIN pay ON pay.checkout_id = k.id
            GROUP BY 1, 2 ORDER BY 1, 2`,
        );
      },
      /** The outbox events per checkout of each side, by type (their payloads name the order or the cart, whose checkout tells the side): the cart's include its cartCreate's. */
      async purchaseEvents() {
        return db.query(
          `WITH k AS (SELECT id, cart_id, ${SIDE} AS side, cart_id IS NOT NULL AS cart FROM checkout k),
           e AS (
             SELECT o.checkout_id, e.type FROM outbox e JOIN orders o ON o.id = (e.payload->>'orderId')::uuid WHERE e.payload ? 'orderId'
             UNION ALL
             SELECT k.id, e.type FROM outbox e JOIN k ON k.cart_id = (e.payload->>'cartId')::uuid WHERE e.payload ? 'cartId'),
           n AS (SELECT side, cart, count(*) AS checkouts FROM k GROUP BY 1, 2)
           SELECT k.side, k.cart, e.type, count(*)::int AS events, n.checkouts::int AS checkouts
             FROM e JOIN k ON k.id = e.checkout_id JOIN n ON n.side = k.side AND n.cart = k.cart
            GROUP BY 1, 2, 3, n.checkouts ORDER BY 1, 2, 3`,
        );
      },
      /** Invoice numbers per seller and year: gapless (1..n, each once) and the counter at n; the sellers that are not. */
      async invoiceGaps() {
        const [row] = await db.query(
          `WITH per AS (
             SELECT i.seller_id, i.year, count(*) AS n, count(DISTINCT i.sequence) AS distinct_n, min(i.sequence) AS lo, max(i.sequence) AS hi
               FROM invoice i WHERE i.series = 'F' GROUP BY 1, 2)
           SELECT count(*)::int AS sellers, coalesce(sum(n), 0)::int AS invoices,
                  count(*) FILTER (WHERE n <> distinct_n OR lo <> 1 OR hi <> n
                    OR hi <> (SELECT c.last_number FROM invoice_counter c WHERE c.seller_id = per.seller_id AND c.series = 'F' AND c.year = per.year))::int AS wrong
             FROM per`,
        );
        return row;
      },
    },
    () => (scratch ? scratch.close() : app.stop()),
  );
}

/** Which side made a checkout, from its idempotency key (bench/purchase-baseline.ts): zoco, the baseline, or the baseline without events. */
const SIDE = `CASE WHEN k.idempotency_key LIKE 'baseline-bare-%' THEN 'baseline (no events)' WHEN k.idempotency_key LIKE 'baseline-%' THEN 'baseline' ELSE 'zoco' END`;

export interface TracedStatements {
  /** Every statement the app's and the background's pools sent while tracing: the request's (its events' handlers are held back). */
  statements: number;
  /** Statements inside the purchase's transaction (the one that inserts the checkout), BEGIN and COMMIT excluded. */
  inTransaction: number;
  /** Every statement's text, with `inTransaction` set on those of the purchase's transaction. */
  queries: { query: string; inTransaction: boolean }[];
}

/**
 * Records statements with the query runner that sent them (TypeORM hands it to the logger): a transaction
 * has one runner from START TRANSACTION to COMMIT, so its round trips can be told from the others.
 */
function statementTrace(counters: StatementCounter[], events: { kick(): void }) {
  // While tracing, the outbox dispatcher is not woken (its 1 s poll may still run): the events' handlers
  // run in the background, off the request's path, and would blur the count. It is woken after.
  const kick = events.kick.bind(events);
  let log: { query: string; runner: unknown }[] | null = null;
  for (const counter of counters) {
    const original = counter.logQuery.bind(counter);
    counter.logQuery = (query: string, parameters?: unknown[], runner?: unknown) => {
      log?.push({ query, runner });
      original(query, parameters);
    };
  }
  return {
    start(dispatch: boolean) {
      log = [];
      if (!dispatch) events.kick = () => {};
    },
    stop(): TracedStatements {
      const all = log ?? [];
      log = null;
      events.kick = kick;
      kick();
      const purchase = all.find((s) => /INSERT INTO checkout\b/.test(s.query))?.runner;
      const own = purchase ? all.filter((s) => s.runner === purchase) : [];
      const begin = own.findIndex((s) => s.query === 'START TRANSACTION');
      const commit = own.findLastIndex((s) => s.query === 'COMMIT');
      const inside = new Set(begin >= 0 && commit > begin ? own.slice(begin + 1, commit) : []);
      return {
        statements: all.length,
        inTransaction: inside.size,
        queries: all.map((s) => ({ query: s.query.replace(/\s+/g, ' ').slice(0, 160), inTransaction: inside.has(s) })),
      };
    },
  };
}

main().catch(failToParent);
