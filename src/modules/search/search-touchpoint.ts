import type { Context } from '../../core/context';
import { ingestTouchpoints } from '../personalization';

/**
 * A signed-in customer's search as a SEARCH_PERFORMED touchpoint (issue 12), recorded by the server so
 * that storefronts need not report it: the personalization module stores it as an individual event
 * with the consent, as an anonymous count without. Guests' searches are not touchpoints here (a
 * visitor's client may report them with `eventsTrack`).
 */
export async function recordSearchTouchpoint(ctx: Context, normalized: string): Promise<void> {
  if (ctx.viewer.kind !== 'customer' || !normalized) return;
  const { customerId } = ctx.viewer;
  await ingestTouchpoints(ctx, { customerId }, [
    {
      clientEventId: null,
      type: 'SEARCH_PERFORMED',
      channel: 'SERVER',
      occurredAt: new Date(),
      productId: null,
      listingId: null,
      sellerId: null,
      categoryId: null,
      searchText: normalized,
      source: 'server',
    },
  ]);
}
