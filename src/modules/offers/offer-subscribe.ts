import type { Context } from '../../core/context';
import { apiError, badInput, forbidden } from '../../core/errors';
import { decodeOfferCursor } from './offer.rows';
import { offerStream } from './offer-stream';

/**
 * The `offers` subscription's source: the signed-in customer's stream only, whatever the arguments say
 * (there is no argument naming a customer). Sockets without a token are closed with 4403 before this
 * runs (server/ws.ts); a seller key or the operator get FORBIDDEN.
 */
export async function subscribeToOffers(ctx: Context, after: string | null) {
  if (ctx.viewer.kind === 'guest') throw apiError('UNAUTHENTICATED', 'Sign in as a customer to receive offers.');
  if (ctx.viewer.kind !== 'customer') throw forbidden('Offers are made to customers: sign in as one to receive them.');
  const sequence = after == null ? null : decodeOfferCursor(after);
  if (after != null && sequence === null) throw badInput('after is not an offers cursor.', 'after');
  return offerStream(ctx, ctx.viewer.customerId, sequence);
}
