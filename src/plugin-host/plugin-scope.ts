import type { FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { Logger } from 'pino';
import type { AppServices, InTransaction } from '../core/context';
import { withTransaction } from '../db/transaction';
import { admin } from '../auth/viewer';
import { createContext } from '../core/context';
import { proposePluginOffer } from '../modules/offers';
import { sharesProfileWithSellers } from '../modules/customers';
import { recordEvent } from '../events/outbox';
import type { PluginPermission } from './plugin-permissions';
import { emittedEvents } from './plugin-emits';
import { insertScopedProduct, invalidProductInput, type ScopedProduct, type ScopedProductInput } from './scope-catalog';

export type { ScopedProduct, ScopedProductInput };

/** A plugin reached outside its scope: another seller's rows, or data its permissions don't cover. */
export class PluginScopeError extends Error {
  constructor(plugin: string, message: string) {
    super(`plugin ${plugin}: ${message}`);
    this.name = 'PluginScopeError';
  }
}

/** Rows of one of the plugin's own tables, always filtered to (and written for) the scope's seller. */
export interface ScopedTable<E extends { sellerId: string }> {
  /** `take` bounds the rows, e.g. a keyset page: `find({ id: LessThan(cursor) }, { id: 'DESC' }, { take: first + 1 })`. */
  find(where?: FindOptionsWhere<E>, order?: Partial<Record<keyof E, 'ASC' | 'DESC'>>, options?: { take?: number }): Promise<E[]>;
  findOne(where: FindOptionsWhere<E>): Promise<E | null>;
  count(where?: FindOptionsWhere<E>): Promise<number>;
  insert(values: Omit<Partial<E>, 'sellerId'>): Promise<E>;
  /** Inserts unless the row would break a unique key (INSERT … ON CONFLICT DO NOTHING); true when inserted. */
  insertIfAbsent(values: Omit<Partial<E>, 'sellerId'>): Promise<boolean>;
  update(where: FindOptionsWhere<E>, values: Omit<Partial<E>, 'sellerId'>): Promise<number>;
  /** Adds `by` to a numeric column in one statement (`SET votes = votes + 1`), safe under concurrency; rows changed. */
  increment(where: FindOptionsWhere<E>, column: keyof E & string, by: number): Promise<number>;
  delete(where: FindOptionsWhere<E>): Promise<number>;
}

export interface ScopedOrder {
  id: string;
  customerId: string;
  state: string;
  currency: string;
  subtotal: number;
  total: number;
  lines: ScopedOrderLine[];
  /** Discounts and surcharges the order got at checkout (order_adjustment), e.g. `plugin:loyalty-points`. */
  adjustments: { source: string; kind: 'DISCOUNT' | 'SURCHARGE'; amount: number }[];
}

export interface ScopedOrderLine {
  /** The order line's uuid (its global ID: toGlobalId('OrderLine', id)). */
  id: string;
  productId: string;
  listingId: string;
  quantity: number;
  unitPrice: number;
  total: number;
  /** This plugin's own per-line options, as chosen on the cart line ({} when none). */
  options: Record<string, unknown>;
}

export interface ScopedListing {
  id: string;
  productId: string;
  variantId: string;
  sku: string;
  price: number;
  currency: string;
  stock: number;
  status: string;
}

export interface PluginScope<Config = Record<string, unknown>> {
  plugin: string;
  /** The installing seller (uuid) this scope acts for. */
  sellerId: string;
  /** That seller's validated configuration of the plugin. */
  config: Config;
  log: Logger;
  /** One of the plugin's own tables (its entity must have a `sellerId` column). */
  table<E extends ObjectLiteral & { sellerId: string }>(entity: new () => E): ScopedTable<E>;
  /** An order of this seller with its lines (permission `orders:read`); null for anyone else's. */
  order(orderId: string): Promise<ScopedOrder | null>;
  /** The order of this seller holding the order line `lineId` (permission `orders:read`); null for anyone else's. */
  orderOfLine(lineId: string): Promise<ScopedOrder | null>;
  /** A listing of this seller (permission `catalog:read`); null for anyone else's. */
  listing(listingId: string): Promise<ScopedListing | null>;
  /** A customer who bought from this seller (permission `customers:read`): name always, email with their consent. */
  customer(customerId: string): Promise<{ id: string; name: string; email: string | null } | null>;
  /** A product this seller created or lists (permission `catalog:read`). */
  product(productId: string): Promise<{ id: string; slug: string; title: string; status: string } | null>;
  /**
   * Creates a product owned by this seller, with one variant and this seller's listing of it
   * (permission `catalog:write`), in the scope's transaction if it has one. The product records the
   * plugin that made it (`Product.createdByPlugin`), so the plugin's Product fields can skip all others. Invalid input throws a
   * PluginScopeError: validate first and report userErrors.
   */
  createProduct(input: ScopedProductInput): Promise<ScopedProduct>;
  /** Runs `fn` with a scope bound to one transaction. */
  transaction<T>(fn: (scope: PluginScope<Config>) => Promise<T>): Promise<T>;
  /** Records the plugin's own event `${plugin}.${name}` in the outbox (delivered after commit, like core events). */
  emit(name: string, payload: Record<string, unknown>): Promise<void>;
  /**
   * Proposes an offer of one of this seller's products to a customer (permission `offers:propose`): the
   * offer engine scores it from the customer's traits and makes it under the same rules as its own (the
   * personalization consent, the daily cap, once per `key`). `created` false says why not.
   */
  proposeOffer(proposal: { customerId: string; productId: string; key: string; reason: { en: string; es?: string } }): Promise<{ created: boolean; refused?: string }>;
}

interface ScopeOptions<Config> {
  plugin: string;
  permissions: readonly PluginPermission[];
  sellerId: string;
  config: Config;
  app: AppServices;
  /** The transaction the scope's writes join, if any. */
  tx?: InTransaction;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An order with its lines (ids, and the plugin's own options of each: $3 is the plugin's name). */
const SCOPED_ORDER = `SELECT o.id, o.customer_id AS "customerId", o.state, o.currency, o.subtotal, o.total,
    (SELECT json_agg(json_build_object('id', ol.id, 'productId', ol.product_id, 'listingId', ol.listing_id, 'quantity', ol.quantity,
                     'unitPrice', ol.unit_price, 'total', ol.total, 'options', coalesce(ol.options -> $3::text, '{}'::jsonb)) ORDER BY ol.position)
       FROM order_line ol WHERE ol.order_id = o.id) AS lines,
    coalesce((SELECT json_agg(json_build_object('source', oa.source, 'kind', oa.kind, 'amount', oa.amount) ORDER BY oa.position)
       FROM order_adjustment oa WHERE oa.order_id = o.id), '[]') AS adjustments
  FROM orders o`;

/** Builds the only door a plugin has to data: its seller's rows and what its permissions allow. */
export function createPluginScope<Config>({ plugin, permissions, sellerId, config, app, tx }: ScopeOptions<Config>): PluginScope<Config> {
  const em = tx?.tx ?? app.db.manager;
  const log = app.log.child({ plugin, sellerId });
  const require = (permission: PluginPermission) => {
    if (!permissions.includes(permission)) throw new PluginScopeError(plugin, `needs the ${permission} permission`);
  };
  const own = <W extends { sellerId?: unknown }>(where: W | undefined): W & { sellerId: string } => {
    if (where?.sellerId !== undefined && where.sellerId !== sellerId) {
      throw new PluginScopeError(plugin, "can't read or write another seller's rows");
    }
    return { ...(where ?? ({} as W)), sellerId };
  };

  const scope: PluginScope<Config> = {
    plugin,
    sellerId,
    config,
    log,
    table<E extends ObjectLiteral & { sellerId: string }>(entity: new () => E): ScopedTable<E> {
      const repo = em.getRepository(entity);
      return {
        find: async (where, order, options) => repo.find({ where: own(where as FindOptionsWhere<E>), order: order as never, take: options?.take }),
        findOne: async (where) => repo.findOne({ where: own(where as FindOptionsWhere<E>) }),
        count: async (where) => repo.count({ where: own(where as FindOptionsWhere<E>) }),
        async insert(values) {
          // insert, not save: save reads first and turns into an UPDATE when the key exists, which would
          // silently overwrite a row another transaction committed in between.
          const row = repo.create({ ...values, sellerId } as unknown as E);
          await repo.insert(row);
          return row;
        },
        async insertIfAbsent(values) {
          const result = await repo
            .createQueryBuilder()
            .insert()
            .values({ ...values, sellerId } as never)
            .orIgnore()
            .returning('1')
            .execute();
          return (result.raw as unknown[]).length > 0;
        },
        async update(where, values) {
          if ('sellerId' in (values as object)) throw new PluginScopeError(plugin, "can't move rows to another seller");
          return (await repo.update(own(where as FindOptionsWhere<E>), values as never)).affected ?? 0;
        },
        async increment(where, column, by) {
          if (column === 'sellerId') throw new PluginScopeError(plugin, "can't move rows to another seller");
          return (await repo.increment(own(where as FindOptionsWhere<E>), column, by)).affected ?? 0;
        },
        async delete(where) {
          return (await repo.delete(own(where as FindOptionsWhere<E>))).affected ?? 0;
        },
      };
    },
    async order(orderId) {
      require('orders:read');
      if (!UUID.test(orderId)) return null;
      const [order] = await em.query(`${SCOPED_ORDER} WHERE o.id = $1 AND o.seller_id = $2`, [orderId, sellerId, plugin]);
      return order ?? null;
    },
    async orderOfLine(lineId) {
      require('orders:read');
      if (!UUID.test(lineId)) return null;
      const [order] = await em.query(`${SCOPED_ORDER} WHERE o.id = (SELECT order_id FROM order_line WHERE id = $1) AND o.seller_id = $2`, [lineId, sellerId, plugin]);
      return order ?? null;
    },
    async listing(listingId) {
      require('catalog:read');
      if (!UUID.test(listingId)) return null;
      const [listing] = await em.query(
        `SELECT l.id, l.product_id AS "productId", l.variant_id AS "variantId", l.sku, l.price, l.currency, l.stock, l.status
           FROM listing l WHERE l.id = $1 AND l.seller_id = $2`,
        [listingId, sellerId],
      );
      return listing ?? null;
    },
    async customer(customerId) {
      require('customers:read');
      const [customer] = await em.query(
        `SELECT c.id, c.name, CASE WHEN ${sharesProfileWithSellers('c.id')} THEN c.email END AS email
           FROM customer c
          WHERE c.id = $1 AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.seller_id = $2)`,
        [customerId, sellerId],
      );
      return customer ?? null;
    },
    async product(productId) {
      require('catalog:read');
      const [product] = await em.query(
        `SELECT p.id, p.slug, p.title, p.status FROM product p
          WHERE p.id = $1 AND (p.created_by_seller_id = $2 OR EXISTS (SELECT 1 FROM listing l WHERE l.product_id = p.id AND l.seller_id = $2))`,
        [productId, sellerId],
      );
      return product ?? null;
    },
    async createProduct(input) {
      require('catalog:write');
      const problem = invalidProductInput(input, app.config.currency);
      if (problem) throw new PluginScopeError(plugin, `createProduct: ${problem}`);
      return withTransaction({ db: app.db, events: app.events, ...tx }, (t) => insertScopedProduct(t, plugin, sellerId, input));
    },
    async transaction(fn) {
      if (tx) return fn(scope);
      return withTransaction({ db: app.db, events: app.events }, (t) => fn(createPluginScope({ plugin, permissions, sellerId, config, app, tx: t })));
    },
    async proposeOffer(proposal) {
      require('offers:propose');
      if (!UUID.test(proposal.productId) || !UUID.test(proposal.customerId)) throw new PluginScopeError(plugin, 'proposeOffer: productId and customerId must be uuids');
      if (!proposal.key || proposal.key.length > 100 || !proposal.reason.en || proposal.reason.en.length > 300 || (proposal.reason.es?.length ?? 0) > 300) {
        throw new PluginScopeError(plugin, 'proposeOffer: key must be 1 to 100 characters and reasons at most 300');
      }
      const [own] = await em.query(
        `SELECT 1 FROM product p WHERE p.id = $1 AND (p.created_by_seller_id = $2 OR EXISTS (SELECT 1 FROM listing l WHERE l.product_id = p.id AND l.seller_id = $2))`,
        [proposal.productId, sellerId],
      );
      if (!own) throw new PluginScopeError(plugin, "proposeOffer: can't propose offers of another seller's products");
      const ctx = createContext(app, admin, `plugin:${plugin}`);
      return withTransaction({ ...ctx, ...tx }, (t) => proposePluginOffer(t, plugin, { ...proposal, key: `${sellerId}:${proposal.key}` }));
    },
    async emit(name, payload) {
      const declared = emittedEvents(app.plugins.get(plugin) ?? {});
      if (!Object.hasOwn(declared, name)) throw new PluginScopeError(plugin, `emits no event "${name}": declare it in the definition's emits`);
      const schema = declared[name];
      if (schema) {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) throw new PluginScopeError(plugin, `the ${name} payload does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        payload = parsed.data;
      }
      await withTransaction({ db: app.db, events: app.events, ...tx }, (t) => recordEvent(t, `${plugin}.${name}`, { ...payload, sellerId }));
    },
  };
  return scope;
}
