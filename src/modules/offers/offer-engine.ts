import { admin } from '../../auth/viewer';
import { createContext, type AppServices, type TxContext } from '../../core/context';
import type { ModuleHook } from '../../core/module';
import { withTransaction } from '../../db/transaction';
import type { EventPayloads } from '../../events/event-types';
import { listingBuyableSql } from '../catalog';
import { offerCreate, type OfferCandidate, type OfferRefusal } from './offer-create';
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

/** Scores the target for the customer from their traits (issue 10) and proposes the offer to offerCreate. */
async function propose(ctx: TxContext, customerId: string, target: Target, candidate: Omit<OfferCandidate, 'customerId' | 'discount' | 'productId' | 'listingId'>) {
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
  return offerCreate(ctx, { ...candidate, customerId, productId: target.productId, listingId: target.listingId, discount: { percent }, score });
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
export async function offersForIdleCarts(app: AppServices): Promise<number> {
  const ctx = createContext(app, admin, 'offer-timers');
  const now = ctx.now();
  const idleSince = new Date(now.getTime() - app.config.offers.cartIdleMinutes * 60_000);
  const carts: { cartId: string; customerId: string; key: string; productId: string }[] = await ctx.db.query(
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
  );
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
