import { offerCreate, OfferTrigger, type OfferCandidate } from '../../../src/modules/offers';
import { inTransaction } from '../../helpers/in-transaction';
import type { TestApp } from '../../helpers/test-app';
import { subscribe, wsClient, type LiveSubscription, type WsClient } from '../../helpers/ws-client';

export const OFFERS = `subscription ($after: String) { offers(after: $after) { cursor offer { id reason state trigger discount { percent } } } }`;

export interface OfferEvent {
  offers: { cursor: string; offer: { id: string; reason: string; state: string; trigger: string; discount: { percent: number | null } } };
}

export async function grantPersonalization(t: TestApp, customerIds: string[]): Promise<void> {
  await t.app.dataSource.query(
    `INSERT INTO customer_consent (customer_id, kind, granted, source, updated_at)
     SELECT id, 'personalization', true, 'test', now() FROM unnest($1::uuid[]) id
     ON CONFLICT (customer_id, kind) DO UPDATE SET granted = true`,
    [customerIds],
  );
}

/** Makes an offer through the one writer, as the engine would. */
export function makeOffer(t: TestApp, customerId: string, key: string, extra: Partial<OfferCandidate> = {}) {
  return inTransaction(t, (ctx) =>
    offerCreate(ctx, {
      customerId,
      trigger: OfferTrigger.PLUGIN,
      dedupeKey: key,
      discount: { percent: 10 },
      reason: { en: `Because ${key}`, es: `Porque ${key}` },
      ...extra,
    }),
  );
}

export const reasons = (s: LiveSubscription<OfferEvent>) => s.events.map((e) => e.offers.offer.reason);

/** A socket for the test and a subscription on it; the caller disposes the clients. */
export function listen(t: TestApp, token: string | undefined, clients: WsClient[], after?: string | null): LiveSubscription<OfferEvent> {
  const client = wsClient(t.app.wsUrl, token);
  clients.push(client);
  return subscribe<OfferEvent>(client, OFFERS, after === undefined ? undefined : { after });
}

/** The cursor of the customer's newest offer, as a client reads it from its inbox. */
export async function newestCursor(t: TestApp, token: string): Promise<string | null> {
  const data = await t.data('{ viewer { offers(first: 1) { nodes { cursor } } } }', {}, token);
  return data.viewer.offers.nodes[0]?.cursor ?? null;
}

/** Subscribes after a starting offer of its own, so nothing made after the call can be missed, however late the server registers it. */
export async function listenFromNow(t: TestApp, customer: { id: string; token: string }, clients: WsClient[]): Promise<LiveSubscription<OfferEvent>> {
  await makeOffer(t, customer.id, `start-${Math.random().toString(36).slice(2)}`);
  return listen(t, customer.token, clients, await newestCursor(t, customer.token));
}
