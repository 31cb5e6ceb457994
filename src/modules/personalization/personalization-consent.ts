import type { TxContext } from '../../core/context';
import type { EventPayloads } from '../../events/event-types';
import { emit } from '../../events/outbox';
import { deleteIndividualData, lockTraitRow, touchesOrders, updateTraits } from './trait-store';

/** In-transaction listener: withdrawing the personalization consent deletes the customer's events and traits (issue 10). */
export async function onConsentChanged(ctx: TxContext, { customerId, kind, granted }: EventPayloads['customer.consent_changed']): Promise<void> {
  if (kind !== 'personalization' || granted) return;
  await deleteIndividualData(ctx.tx, customerId);
}

/**
 * In-transaction listener of sign-up and login, in the step that merges the guest cart: the visitor's
 * events become the customer's (those the customer already has under the same client id are dropped), or,
 * without the consent, are deleted (the anonymous per-product counts keep them).
 */
export async function onSignedIn(ctx: TxContext, { customerId, visitorId }: EventPayloads['customer.signed_in']): Promise<void> {
  if (!visitorId) return;
  const { tx } = ctx;
  const [consent] = await tx.query(
    `SELECT granted FROM customer_consent WHERE customer_id = $1 AND kind = 'personalization' FOR SHARE`,
    [customerId],
  );
  if (consent?.granted !== true) {
    await tx.query('DELETE FROM touchpoint_event WHERE visitor_id = $1 AND customer_id IS NULL', [visitorId]);
    return;
  }
  await lockTraitRow(tx, customerId);
  await tx.query(
    `DELETE FROM touchpoint_event v
      WHERE v.visitor_id = $2 AND v.customer_id IS NULL AND v.client_event_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM touchpoint_event c WHERE c.customer_id = $1 AND c.client_event_id = v.client_event_id)`,
    [customerId, visitorId],
  );
  const [moved]: [{ id: string; type: string; channel: string; occurredAt: Date; productId: string | null; listingId: string | null; sellerId: string | null; categoryId: string | null }[], number] =
    await tx.query(
      `UPDATE touchpoint_event SET customer_id = $1 WHERE visitor_id = $2 AND customer_id IS NULL
       RETURNING id, type, channel, occurred_at AS "occurredAt", product_id AS "productId", listing_id AS "listingId",
                 seller_id AS "sellerId", category_id AS "categoryId"`,
      [customerId, visitorId],
    );
  if (!moved.length) return;
  await updateTraits(tx, customerId, { ids: moved.map((r) => r.id), orders: touchesOrders(moved.map((r) => r.type)) }, new Date());
  await emit(ctx, 'touchpoint.recorded', { customerId, events: moved.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() })) });
}
