import { admin } from '../../auth/viewer';
import { createContext, type AppServices, type TxContext } from '../../core/context';
import type { ModuleHook } from '../../core/module';
import { withTransaction } from '../../db/transaction';
import type { EventPayloads } from '../../events/event-types';
import { listingBuyableSql } from '../catalog';
import { offerCreate, offerCreateMany, type OfferCandidate, type OfferRefusal } from './offer-create';
import { chooseDiscount } from './offer-scoring';
import { OfferTrigger } from './offer.type';

/** Products of one touchpoint batch the engine looks at: a batch holds at most 100 events. */
const MAX_PRODUCTS = 20;

interface Target {
  productId: string;
  title: string;
  listingId: string;
  sellerId: string;
  categoryId: string | null;
  price: number;
  currency: string;
}

/** The cheapest buyable listing of a product, with what scoring needs; null when none is buyable. */
async function targetOf(ctx: TxContext, productId: string): Promise<Target | null> {
  const [row] = await ctx.tx.query(
    `SELECT p.id AS "productId", p.title, l.id AS "listingId", l.seller_id AS "sellerId", p.category_id AS "categoryId", l.price, l.currency
       FROM product p JOIN listing l ON l.product_id = p.id JOIN seller s ON s.id = l.seller_id
      WHERE p.id = $1 AND ${listingBuyableSql({ listing: 'l', seller: 's', product: 'p' })}
      ORDER BY l.price, l.id LIMIT 1`,
    [productId],
  );
  return row ? { ...row, price: Number(row.price) } : null;
}

/** The target's product, listing, and the discount and score the customer's traits (issue 10) call for. */
async function scored(ctx: TxContext, customerId: string, target: Target): Promise<Pick<OfferCandidate, 'productId' | 'listingId' | 'discount' | 'score'>> {
  const [traits] = await ctx.tx.query(
    `SELECT t.price_sensitivity AS "priceSensitivity", t.predicted_value_12m AS "predictedValue",
            (SELECT score FROM customer_category_affinity WHERE customer_id = $1 AND category_id = $2) AS "categoryAffinity",
            (SELECT score FROM customer_seller_affinity WHERE customer_id = $1 AND seller_id = $3) AS "sellerAffinity"
       FROM (SELECT 1) one LEFT JOIN customer_trait t ON t.customer_id = $1`,
    [customerId, target.categoryId, target.sellerId],
  );
  const { percent, score } = chooseDiscount({
    categoryAffinity: traits?.categoryAffinity ?? null,
    sellerAffinity: traits?.sellerAffinity ?? null,
    priceSensitivity: traits?.priceSensitivity ?? null,
    predictedValue12m: Number(traits?.predictedValue ?? 0),
    unitPrice: target.price,
  });
  return { productId: target.productId, listingId: target.listingId, discount: { percent }, score };
}

/** Scores the target for the customer and proposes the offer to offerCreate. */
async function propose(ctx: TxContext, customerId: string, target: Target, candidate: Omit<OfferCandidate, 'customerId' | 'discount' | 'productId' | 'listingId'>) {
  return offerCreate(ctx, { ...candidate, ...(await scored(ctx, customerId, target)), customerId });
}

/**
 * Repeated views: a product the customer viewed `viewThreshold` times within `viewWindowHours` and has not
 * bought in that time gets one offer (ever: the dedupe key is the product). Runs after commit on
 * `touchpoint.recorded`, at least once: a redelivery finds the offer made and is refused as DUPLICATE.
 */
export const onTouchpoints: ModuleHook = async (event, app) => {
  const { customerId, events } = event.payload as EventPayloads['touchpoint.recorded'];
  const viewed = [...new Set(events.filter((e) => e.type === 'PRODUCT_VIEWED' && e.productId).map((e) => e.productId!))].slice(0, MAX_PRODUCTS);
  if (!viewed.length || app.config.offers.dailyCap <= 0) return;
  const { viewThreshold, viewWindowHours } = app.config.offers;
  const ctx = createContext(app, admin, `outbox-${event.id}`);
  const since = new Date(ctx.now().getTime() - viewWindowHours * 3_600_000);
  const counts: { productId: string; views: number; bought: boolean }[] = await ctx.db.query(
    `SELECT product_id AS "productId", count(*) FILTER (WHERE type = 'PRODUCT_VIEWED')::int AS views, bool_or(type = 'ORDER_PAID') AS bought
       FROM touchpoint_event WHERE customer_id = $1 AND product_id = ANY($2) AND occurred_at > $3
      GROUP BY product_id`,
    [customerId, viewed, since],
  );
  for (const { productId, views, bought } of counts) {
    if (views < viewThreshold || bought) continue;
    await withTransaction(ctx, async (tx) => {
      const target = await targetOf(tx, productId);
      if (!target) return;
      await propose(tx, customerId, target, {
        trigger: OfferTrigger.REPEATED_VIEWS,
        dedupeKey: `views:${productId}`,
        reason: { en: `Because you viewed ${target.title} ${views} times`, es: `Porque viste ${target.title} ${views} veces` },
      });
    });
  }
};

/**
 * Idle carts: an active cart of a consenting customer untouched for `cartIdleMinutes` gets one offer on its
 * dearest line, once per cart state (the key holds the cart's last change). A bounded batch a round.
 */
export async function offersForIdleCarts(app: AppServices, query: (sql: string, parameters: unknown[]) => Promise<unknown>): Promise<number> {
  const ctx = createContext(app, admin, 'offer-timers');
  const now = ctx.now();
  const idleSince = new Date(now.getTime() - app.config.offers.cartIdleMinutes * 60_000);
  const { rows: carts } = (await query(
    `SELECT c.id AS "cartId", c.customer_id AS "customerId", 'cart-idle:' || c.id || ':' || floor(extract(epoch FROM c.updated_at))::bigint AS key,
            (SELECT l.product_id FROM cart_line cl JOIN listing l ON l.id = cl.listing_id WHERE cl.cart_id = c.id ORDER BY l.price * cl.quantity DESC, cl.id LIMIT 1) AS "productId"
       FROM cart c
      WHERE c.status = 'active' AND c.customer_id IS NOT NULL AND c.updated_at <= $1 AND c.updated_at > $1 - interval '7 days'
        AND EXISTS (SELECT 1 FROM cart_line cl WHERE cl.cart_id = c.id)
        AND EXISTS (SELECT 1 FROM customer_consent cc WHERE cc.customer_id = c.customer_id AND cc.kind = 'personalization' AND cc.granted)
        AND NOT EXISTS (SELECT 1 FROM offer o WHERE o.customer_id = c.customer_id
                         AND o.dedupe_key = 'cart-idle:' || c.id || ':' || floor(extract(epoch FROM c.updated_at))::bigint)
      ORDER BY c.updated_at LIMIT 100`,
    [idleSince],
  )) as { rows: { cartId: string; customerId: string; key: string; productId: string }[] };
  let made = 0;
  for (const cart of carts) {
    if (!cart.productId) continue;
    const result = await withTransaction(ctx, async (tx) => {
      const target = await targetOf(tx, cart.productId);
      if (!target) return null;
      return propose(tx, cart.customerId, target, {
        trigger: OfferTrigger.CART_IDLE,
        dedupeKey: cart.key,
        reason: { en: `Your cart is waiting: ${target.title}`, es: `Tu carrito te espera: ${target.title}` },
      });
    });
    if (result && 'offer' in result) made++;
  }
  return made;
}

/** What a plugin proposes (plugin API `scope.proposeOffer`): scored like the engine's own, under the same caps. */
export interface PluginOfferProposal {
  customerId: string;
  productId: string;
  /** The plugin's own key: the host prefixes it with the plugin's name. */
  key: string;
  reason: { en: string; es?: string };
}

export async function proposePluginOffer(ctx: TxContext, plugin: string, proposal: PluginOfferProposal): Promise<{ created: boolean; refused?: OfferRefusal | 'UNAVAILABLE' }> {
  const target = await targetOf(ctx, proposal.productId);
  if (!target) return { created: false, refused: 'UNAVAILABLE' };
  const result = await propose(ctx, proposal.customerId, target, {
    trigger: OfferTrigger.PLUGIN,
    dedupeKey: `plugin:${plugin}:${proposal.key}`.slice(0, 200),
    reason: proposal.reason,
  });
  return 'offer' in result ? { created: true } : { created: false, refused: result.refused };
}

/** Customers asked per batch of a price-drop or restock fan-out. */
const INTEREST_BATCH = 500;
/** How far back a view or like counts as interest in a product. */
const INTEREST_DAYS = 30;

/**
 * Price drop and back in stock: every consenting customer who viewed or liked the product in the last 30
 * days and has not bought it since gets one offer of the listing, scored like the others, made in
 * batches of 500 through offerCreateMany. The key holds the new price (or the restock's outbox id), so
 * a redelivery makes nothing twice and a later drop is a new offer.
 */
async function offersForInterested(app: AppServices, eventId: number, listingId: string, productId: string, trigger: OfferTrigger, key: string): Promise<void> {
  const ctx = createContext(app, admin, `outbox-${eventId}`);
  const since = new Date(ctx.now().getTime() - INTEREST_DAYS * 86_400_000);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const interested: { customerId: string; liked: boolean }[] = await ctx.db.query(
      `SELECT e.customer_id AS "customerId", bool_or(e.type = 'PRODUCT_LIKED') AS liked
         FROM touchpoint_event e
        WHERE e.product_id = $1 AND e.customer_id > $2 AND e.occurred_at > $3 AND e.type IN ('PRODUCT_VIEWED', 'PRODUCT_LIKED')
          AND NOT EXISTS (SELECT 1 FROM touchpoint_event b WHERE b.customer_id = e.customer_id AND b.product_id = $1 AND b.type = 'ORDER_PAID' AND b.occurred_at > $3)
        GROUP BY e.customer_id ORDER BY e.customer_id LIMIT ${INTEREST_BATCH}`,
      [productId, after, since],
    );
    if (!interested.length) return;
    await withTransaction(ctx, async (tx) => {
      const target = await targetOf(tx, productId);
      if (!target || target.listingId !== listingId) return;
      const candidates: OfferCandidate[] = [];
      for (const { customerId, liked } of interested) {
        const verb = liked ? { en: 'liked', es: 'te gustó' } : { en: 'viewed', es: 'viste' };
        const reason =
          trigger === OfferTrigger.PRICE_DROP
            ? { en: `The price of ${target.title}, which you ${verb.en}, went down`, es: `Bajó el precio de ${target.title}, que ${verb.es}` }
            : { en: `${target.title}, which you ${verb.en}, is back in stock`, es: `${target.title}, que ${verb.es}, vuelve a estar disponible` };
        candidates.push({ ...(await scored(tx, customerId, target)), customerId, trigger, dedupeKey: key, reason });
      }
      await offerCreateMany(tx, candidates);
    });
    if (interested.length < INTEREST_BATCH) return;
    after = interested.at(-1)!.customerId;
  }
}

export const onPriceDropped: ModuleHook = async (event, app) => {
  const { listingId, productId, to } = event.payload as EventPayloads['listing.price_dropped'];
  await offersForInterested(app, event.id, listingId, productId, OfferTrigger.PRICE_DROP, `price-drop:${listingId}:${to}`);
};

export const onRestocked: ModuleHook = async (event, app) => {
  const { listingId, productId } = event.payload as EventPayloads['listing.restocked'];
  await offersForInterested(app, event.id, listingId, productId, OfferTrigger.BACK_IN_STOCK, `restock:${listingId}:${event.id}`);
};
