/**
 * `zoco/plugin/testing`: a plugin's test kit. It starts the real app with the plugins under test on a
 * fresh database (cloned from a migrated template; the plugins' migrations run on it), creates sellers,
 * products, listings, customers and orders through the API, installs a plugin for a seller, acts as each
 * actor and awaits dispatched events. See plugins/README.md, "Testing".
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App, type CreateAppOptions } from '../app';
import type { DomainEvent } from '../events/event-types';
import type { AnyPlugin } from '../plugin-host/define-plugin';
import { graphqlClient, until, type GraphQLClient } from './graphql-client';
import { MADRID, SELLER_ADDRESS, uuidOf } from './sample-data';
import { createTestDatabase } from './test-database';
import { insertCustomers } from './bulk-customers';
import { toGlobalId } from '../core/global-id';


export { graphqlClient, until, type GraphQLClient, type GraphQLResponse } from './graphql-client';

/** The operator key of every test app. */
export const ADMIN_KEY = 'test-operator-key-0123456789abcdef';

/** What every GraphQL response's `extensions` holds: its cost (for whole-response comparisons). */
export const REPORTED_COST_KEYS = ['cost'] as const;

export interface TestSeller {
  /** Global ID. */
  id: string;
  /** The database uuid (what a plugin's scope and rows name). */
  uuid: string;
  slug: string;
  /** An API key with every scope. */
  key: string;
}

export interface TestCustomer {
  /** Global ID. */
  id: string;
  uuid: string;
  /** An access token: `t.data(query, vars, customer.token)`. */
  token: string;
}

export interface TestListing {
  /** Global IDs. */
  productId: string;
  variantId: string;
  listingId: string;
}

export interface TestOrder {
  /** Global ID and uuid of the order (one per seller of the purchase; this is the first). */
  id: string;
  uuid: string;
  /** The checkout's orders, all of them. */
  orders: { id: string; uuid: string }[];
}

/** An event the app dispatched, as plugins get it. */
export type DispatchedEvent = DomainEvent | { id: number; type: string; payload: Record<string, unknown>; createdAt: Date };

export interface PluginTestApp extends GraphQLClient {
  app: App;
  databaseUrl: string;
  /** The operator's key. */
  admin: string;
  /** A new seller (registered by the operator) with an API key holding every scope. */
  seller(slug?: string): Promise<TestSeller>;
  /** Customers with a default address and test card, so they can buy with one click. */
  customers(count: number): Promise<TestCustomer[]>;
  customer(): Promise<TestCustomer>;
  /** A product of `seller` with one variant and that seller's listing of it (price in minor units, default 10.00 EUR). */
  listing(seller: TestSeller, input?: { title?: string; price?: number; stock?: number }): Promise<TestListing>;
  /** A cart of `customer` holding `lines`; its global ID. */
  cart(customer: TestCustomer, lines: { listingId: string; quantity?: number; options?: Record<string, unknown> }[]): Promise<string>;
  /** Buys `lines` (a cart checked out with the default address and card): the orders placed, paid. */
  order(customer: TestCustomer, lines: { listingId: string; quantity?: number; options?: Record<string, unknown> }[]): Promise<TestOrder>;
  /** Installs `plugin` for `seller` with `config`, accepting the permissions it asks for; throws on userErrors. */
  install(seller: TestSeller, plugin: string, config?: Record<string, unknown>): Promise<void>;
  /**
   * The first dispatched event of `type` (after every hook and plugin handler ran for it) matching
   * `match`, among those dispatched since the app started; waits up to `timeoutMs`.
   */
  dispatched(type: string, match?: (payload: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<DispatchedEvent>;
  stop(): Promise<void>;
}

export interface PluginTestOptions extends Omit<CreateAppOptions, 'plugins'> {
  plugins: AnyPlugin[];
}


let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

function check(errors: { message: string }[] | undefined, what: string): void {
  if (errors?.length) throw new Error(`${what}: ${JSON.stringify(errors)}`);
}

/** The real app with `plugins` offered and their migrations run, on a database of its own; HTTP on an ephemeral port. */
export async function startPluginTestApp({ plugins, ...options }: PluginTestOptions): Promise<PluginTestApp> {
  const database = await createTestDatabase();
  const app = await createApp({
    databaseUrl: database.url,
    dataDir: await mkdtemp(path.join(tmpdir(), 'zoco-plugin-test-')),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    migrateOnStart: true,
    env: 'test',
    jwtSecret: 'test-jwt-secret-0123456789abcdefghijklmnop',
    adminKey: ADMIN_KEY,
    passwordHashing: { N: 1024, r: 8, p: 1 },
    throttle: { enabled: true, bucketSize: 1e9, restoreRate: 1e9, sellerBucketSize: 1e9, sellerRestoreRate: 1e9 },
    eventPollIntervalMs: 50,
    pluginRetryBaseMs: 50,
    ...options,
    plugins,
  });
  const client = graphqlClient(app.url);

  const t: PluginTestApp = {
    app,
    databaseUrl: database.url,
    admin: ADMIN_KEY,
    ...client,
    async seller(slug = unique('seller')) {
      const res = await client.data(
        `mutation ($input: SellerCreateInput!) {
          sellerCreate(input: $input) { seller { id slug } apiKeySecret userErrors { field message code } }
        }`,
        // With a legal address: checkout refuses sellers without one.
        { input: { slug, name: `Seller ${slug}`, legalName: `${slug} S.L.`, taxId: 'B12345678', address: SELLER_ADDRESS } },
        ADMIN_KEY,
      );
      check(res.sellerCreate.userErrors, 'sellerCreate');
      return { id: res.sellerCreate.seller.id, uuid: uuidOf(res.sellerCreate.seller.id), slug, key: res.sellerCreate.apiKeySecret };
    },
    async customers(count) {
      const made = await insertCustomers(app, count);
      return made.map(({ uuid, token }) => ({ id: toGlobalId('Customer', uuid), uuid, token }));
    },
    async customer() {
      return (await t.customers(1))[0]!;
    },
    async listing(seller, input = {}) {
      const product = await client.data(
        `mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { id variants { id } } userErrors { field message code } } }`,
        { input: { title: input.title ?? unique('Product') } },
        seller.key,
      );
      check(product.productCreate.userErrors, 'productCreate');
      const variantId = product.productCreate.product.variants[0].id;
      const listing = await client.data(
        `mutation ($input: ListingCreateInput!) { listingCreate(input: $input) { listing { id } userErrors { field message code } } }`,
        { input: { variantId, sku: unique('SKU'), price: { amount: input.price ?? 1000, currency: app.config.currency }, stock: input.stock ?? 100 } },
        seller.key,
      );
      check(listing.listingCreate.userErrors, 'listingCreate');
      return { productId: product.productCreate.product.id, variantId, listingId: listing.listingCreate.listing.id };
    },
    async cart(customer, lines) {
      const res = await client.data(
        'mutation ($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } userErrors { field message code } } }',
        { input: { lines: lines.map((l) => ({ quantity: 1, ...l })) } },
        customer.token,
      );
      check(res.cartCreate.userErrors, 'cartCreate');
      return res.cartCreate.cart.id;
    },
    async order(customer, lines) {
      const cartId = await t.cart(customer, lines);
      const res = await client.data(
        `mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { orders { id } } userErrors { field message code } } }`,
        { input: { cartId, idempotencyKey: randomUUID(), shippingAddress: MADRID, paymentToken: 'tok_visa' } },
        customer.token,
      );
      check(res.checkoutComplete.userErrors, 'checkoutComplete');
      const orders = res.checkoutComplete.checkout.orders.map((o: { id: string }) => ({ id: o.id, uuid: uuidOf(o.id) }));
      return { ...orders[0], orders };
    },
    async install(seller, plugin, config = {}) {
      const offered = app.services.plugins.get(plugin);
      const res = await client.data(
        `mutation ($input: PluginInstallInput!) { pluginInstall(input: $input) { installation { plugin } userErrors { field message code } } }`,
        { input: { plugin, config, acceptPermissions: [...(offered?.permissions ?? [])] } },
        seller.key,
      );
      check(res.pluginInstall.userErrors, 'pluginInstall');
    },
    async dispatched(type, match = () => true, timeoutMs = 10_000) {
      // dispatched_at is set once every hook had the event and it was queued for the plugins (plugin_delivery, one
      // queue per plugin and seller, worked outside the dispatcher: plugin-host/plugin-events.ts); the plugins' handlers
      // have run once its queued rows are gone (a failed handler's retries come later).
      let found: DispatchedEvent | undefined;
      await until(
        async () => {
          const rows: { id: string; type: string; payload: Record<string, unknown>; createdAt: Date; queued: boolean }[] = await app.dataSource.query(
            `SELECT o.id, o.type, o.payload, o.created_at AS "createdAt", EXISTS (SELECT 1 FROM plugin_delivery d WHERE d.event_id = o.id) AS queued
               FROM outbox o WHERE o.type = $1 AND o.dispatched_at IS NOT NULL ORDER BY o.id`,
            [type],
          );
          const row = rows.find((r) => match(r.payload));
          if (!row || row.queued) return false;
          found = { id: Number(row.id), type: row.type, payload: row.payload, createdAt: row.createdAt };
          return true;
        },
        `a dispatched ${type} event`,
        timeoutMs,
      );
      return found!;
    },
    async stop() {
      await app.stop();
      await database.drop();
    },
  };
  return t;
}

export { MADRID, SELLER_ADDRESS, uuidOf, until as eventually };
