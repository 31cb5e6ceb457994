import { requireCustomer } from '../../auth/guards';
import { checkPageSize, decodeCursor, encodeCursor, toConnection } from '../../core/connection';
import type { Context } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';
import { OFFER_COLUMNS, toOffer, type OfferRow } from './offer.rows';
import { OfferState, type Offer } from './offer.type';

/** Offers a customer can still act on: not expired by the clock, whatever the expiry timer has done so far. */
const live = (row: OfferRow, now: Date) => (row.state === OfferState.NEW || row.state === OfferState.SEEN) && new Date(row.expiresAt) > now;

/** The customer's inbox, newest first; `state` filters (EXPIRED also finds offers past their time the timer has not reached yet). */
export async function listOffers(ctx: Context, customerId: string, { first, after, state }: { first: number; after?: string | null; state?: OfferState | null }) {
  checkPageSize(first);
  const sequence = after ? Number(decodeCursor(after, 1)[0]) : null;
  const now = ctx.now();
  // Expiry by the clock: NEW and SEEN offers past their time are EXPIRED, whether or not the timer wrote it yet.
  const stateSql: Record<OfferState, string> = {
    [OfferState.NEW]: `o.state = 'NEW' AND o.expires_at > $3`,
    [OfferState.SEEN]: `o.state = 'SEEN' AND o.expires_at > $3`,
    [OfferState.EXPIRED]: `(o.state = 'EXPIRED' OR (o.state IN ('NEW', 'SEEN') AND o.expires_at <= $3))`,
    [OfferState.DISMISSED]: `o.state = 'DISMISSED'`,
    [OfferState.REDEEMED]: `o.state = 'REDEEMED'`,
  };
  const rows: OfferRow[] = await ctx.db.query(
    `SELECT ${OFFER_COLUMNS} FROM offer o
      WHERE o.customer_id = $1 AND ($2::bigint IS NULL OR o.sequence < $2) AND ${state ? stateSql[state] : '$3::timestamptz IS NOT NULL'}
      ORDER BY o.sequence DESC LIMIT ${first + 1}`,
    [customerId, sequence, now],
  );
  return toConnection(rows, first, (r) => encodeCursor([Number(r.sequence)]), (r) => withClockState(toOffer(r), now));
}

/** What the customer sees: an offer past its time reads EXPIRED even before the timer writes it. */
function withClockState(offer: Offer, now: Date): Offer {
  return (offer.state === OfferState.NEW || offer.state === OfferState.SEEN) && offer.expiresAt <= now ? { ...offer, state: OfferState.EXPIRED } : offer;
}

/** `node(id:)`: the customer's own offers only; anyone else's are not found. */
export async function findOffer(ctx: Context, id: string): Promise<Offer | null> {
  if (ctx.viewer.kind !== 'customer') return null;
  const [row]: OfferRow[] = await ctx.db.query(`SELECT ${OFFER_COLUMNS} FROM offer o WHERE o.id = $1 AND o.customer_id = $2`, [id, ctx.viewer.customerId]);
  return row ? withClockState(toOffer(row), ctx.now()) : null;
}

const TRANSITIONS: Record<'seen' | 'dismiss' | 'redeem', { to: OfferState; from: OfferState[] }> = {
  seen: { to: OfferState.SEEN, from: [OfferState.NEW, OfferState.SEEN] },
  dismiss: { to: OfferState.DISMISSED, from: [OfferState.NEW, OfferState.SEEN, OfferState.DISMISSED] },
  redeem: { to: OfferState.REDEEMED, from: [OfferState.NEW, OfferState.SEEN] },
};

/**
 * offerSeen, offerDismiss, offerRedeem: the customer's own offer (another's is NOT_FOUND, as if it did not
 * exist), locked, moved along NEW → SEEN → DISMISSED | REDEEMED. Seen and dismiss are idempotent; an
 * expired, dismissed or redeemed offer cannot be redeemed (INVALID_STATE).
 */
export async function changeOfferState(ctx: Context, globalId: string, action: keyof typeof TRANSITIONS): Promise<{ offer: Offer }> {
  const customerId = requireCustomer(ctx.viewer);
  const uuid = idOf(globalId, 'Offer');
  if (!uuid) fail('id', 'id is not a valid Offer ID.', ErrorCode.INVALID_ID);
  return withTransaction(ctx, async (tx) => {
    const [row]: OfferRow[] = await tx.tx.query(`SELECT ${OFFER_COLUMNS} FROM offer o WHERE o.id = $1 AND o.customer_id = $2 FOR NO KEY UPDATE`, [uuid, customerId]);
    if (!row) fail('id', 'Offer not found.', ErrorCode.NOT_FOUND);
    const now = tx.now();
    const { to, from } = TRANSITIONS[action];
    const expired = (row.state === OfferState.NEW || row.state === OfferState.SEEN) && new Date(row.expiresAt) <= now;
    if (expired || !from.includes(row.state)) {
      fail('id', `An offer in state ${expired ? OfferState.EXPIRED : row.state} cannot be ${action === 'seen' ? 'seen' : `${action}ed`}.`, ErrorCode.INVALID_STATE);
    }
    if (row.state === to) return { offer: toOffer(row) };
    // TypeORM answers an UPDATE with [rows, count].
    const [[updated]]: [OfferRow[], number] = await tx.tx.query(
      `UPDATE offer o SET state = $2, updated_at = $3 WHERE o.id = $1 RETURNING ${OFFER_COLUMNS}`,
      [uuid, to, now],
    );
    if (action === 'redeem') await emit(tx, 'offer.redeemed', { offerId: uuid, customerId, promotionId: row.promotionId });
    return { offer: toOffer(updated!) };
  });
}

export { live as offerIsLive };
