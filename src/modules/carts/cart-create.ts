import { randomUUID } from 'node:crypto';
import type { Context } from '../../core/context';
import type { EventPayloads } from '../../events/event-types';
import { preparedQuery } from '../../db/prepared-query';
import { recordEventsSql } from '../../events/outbox';
import { CART_COLUMNS, IN_INPUT_ORDER, toCart, type CartRow } from './cart.rows';
import type { Cart } from './cart.type';

/** A line of a new cart, validated and merged (cart.service.ts wantedLines: at most MAX_LINES, each at most MAX_QUANTITY). */
export interface FreshLine {
  listingUuid: string;
  quantity: number;
  price: number;
  options: Record<string, unknown>;
}

/**
 * cartCreate's common case in one statement without BEGIN/COMMIT (a single statement is atomic): a new cart,
 * its lines and its events (`cart.lines_added`, then `cart.updated`, as changeCart writes them). Four round
 * trips fewer than the transaction of changeCart (issue 14). Null when it does not apply and changeCart must
 * run: the customer already has an active cart (the insert conflicts and writes nothing), or a module or plugin
 * listens to the cart's events inside the transaction (they would need one). A new cart needs neither the line
 * limit's count nor the quantity check's upsert: its lines were merged and bounded before (wantedLines). The cart's
 * and its lines' inserts are those of cart.service.ts (openCustomerCart / openGuestCart, addLines) as CTEs of one
 * statement: a change to either table's columns changes both.
 */
export async function createFreshCart(ctx: Context, customerUuid: string | null, currency: string, lines: readonly FreshLine[]): Promise<Cart | null> {
  if (ctx.tx || ctx.listeners['cart.lines_added']?.length || ctx.listeners['cart.updated']?.length) return null;
  const id = randomUUID();
  const events: { type: string; payload: object }[] = [];
  if (lines.length) {
    const added: EventPayloads['cart.lines_added'] = { cartId: id, customerId: customerUuid, listingIds: lines.map((l) => l.listingUuid) };
    events.push({ type: 'cart.lines_added', payload: added });
  }
  const updated: EventPayloads['cart.updated'] = { cartId: id, customerId: customerUuid };
  events.push({ type: 'cart.updated', payload: updated });
  const rows: CartRow[] = await preparedQuery(
    ctx.db,
    `WITH opened AS (
       INSERT INTO cart AS c (id, customer_id, currency) VALUES ($1, $2, $3)
         ON CONFLICT (customer_id) WHERE status = 'active' AND customer_id IS NOT NULL DO NOTHING
       RETURNING ${CART_COLUMNS}),
     added AS (
       INSERT INTO cart_line (cart_id, listing_id, quantity, price_at_add, options, created_at)
       SELECT o.id, u.listing_id, u.quantity, u.price, u.options, ${IN_INPUT_ORDER}
         FROM opened o, unnest($4::uuid[], $5::int[], $6::bigint[], $7::jsonb[]) WITH ORDINALITY AS u(listing_id, quantity, price, options, n)),
     events AS (${recordEventsSql('(SELECT $8::text[] FROM opened)', '(SELECT $9::jsonb[] FROM opened)', 'SELECT NULL::text AS type, NULL::jsonb AS payload, 0::bigint AS n WHERE false')})
     SELECT * FROM opened`,
    [
      id,
      customerUuid,
      currency,
      lines.map((l) => l.listingUuid),
      lines.map((l) => l.quantity),
      lines.map((l) => l.price),
      lines.map((l) => JSON.stringify(l.options)),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  );
  if (!rows[0]) return null;
  ctx.events.kick();
  return toCart(rows[0]);
}
