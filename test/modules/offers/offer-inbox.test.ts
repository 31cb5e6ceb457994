import { cartWith, insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { grantPersonalization, makeOffer } from './offers.fixtures';

const INBOX = `query ($first: Int, $after: String, $state: OfferState) {
  viewer { offers(first: $first, after: $after, state: $state) { nodes { id reason state trigger product { title } } pageInfo { hasNextPage endCursor } } }
}`;
const mutate = (name: string) => `mutation ($input: OfferIdInput!) { ${name}(input: $input) { offer { id state } userErrors { field code message } } }`;

describe('the offers inbox', () => {
  let t: TestApp;
  let clock = new Date();
  beforeAll(async () => {
    t = await startTestApp({ migrateOnStart: true, eventPollIntervalMs: 50, now: () => clock, offers: { dailyCap: 100, ttlHours: 1, cartIdleMinutes: 60 } });
  });
  afterAll(() => t.stop());

  it('lists your offers newest first, pages them, filters by state, and moves them along NEW → SEEN → DISMISSED', async () => {
    const [ana] = (await insertCustomers(t, 1)) as [TestCustomer];
    await grantPersonalization(t, [ana.id]);
    for (const key of ['one', 'two', 'three']) await makeOffer(t, ana.id, key);
    const page1 = await t.data(INBOX, { first: 2 }, ana.token);
    expect(page1.viewer.offers.nodes.map((n: { reason: string }) => n.reason)).toEqual(['Because three', 'Because two']);
    expect(page1.viewer.offers.pageInfo.hasNextPage).toBe(true);
    const page2 = await t.data(INBOX, { first: 2, after: page1.viewer.offers.pageInfo.endCursor }, ana.token);
    expect(page2.viewer.offers.nodes.map((n: { reason: string }) => n.reason)).toEqual(['Because one']);
    const [three, two] = page1.viewer.offers.nodes as { id: string }[];
    const seen = await t.data(mutate('offerSeen'), { input: { id: three!.id } }, ana.token);
    expect(seen.offerSeen).toEqual({ offer: { id: three!.id, state: 'SEEN' }, userErrors: [] });
    const seenAgain = await t.data(mutate('offerSeen'), { input: { id: three!.id } }, ana.token);
    expect(seenAgain.offerSeen.userErrors).toEqual([]);
    const dismissed = await t.data(mutate('offerDismiss'), { input: { id: two!.id } }, ana.token);
    expect(dismissed.offerDismiss.offer.state).toBe('DISMISSED');
    const redeemDismissed = await t.data(mutate('offerRedeem'), { input: { id: two!.id } }, ana.token);
    expect(redeemDismissed.offerRedeem.userErrors).toEqual([{ field: ['input', 'id'], code: 'INVALID_STATE', message: 'An offer in state DISMISSED cannot be redeemed.' }]);
    const onlySeen = await t.data(INBOX, { first: 10, state: 'SEEN' }, ana.token);
    expect(onlySeen.viewer.offers.nodes.map((n: { id: string }) => n.id)).toEqual([three!.id]);
  });

  it('refuses malformed ids and cursors and pages over 100', async () => {
    const [ben] = (await insertCustomers(t, 1)) as [TestCustomer];
    const bad = await t.data(mutate('offerSeen'), { input: { id: 'x'.repeat(300) } }, ben.token);
    expect(bad.offerSeen.userErrors).toEqual([{ field: ['input', 'id'], code: 'INVALID_ID', message: 'id is not a valid Offer ID.' }]);
    const tooMany = await t.request(INBOX, { first: 101 }, ben.token);
    expect(tooMany.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const badCursor = await t.request(INBOX, { first: 5, after: 'nope' }, ben.token);
    expect(badCursor.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const guest = await t.request(mutate('offerSeen'), { input: { id: 'x' } });
    expect(guest.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('expires offers by the clock: reads show EXPIRED at once, the timer writes it, and an expired offer cannot be redeemed', async () => {
    const [cleo] = (await insertCustomers(t, 1)) as [TestCustomer];
    await grantPersonalization(t, [cleo.id]);
    const made = await makeOffer(t, cleo.id, 'short-lived');
    if (!('offer' in made)) throw new Error('no offer');
    const id = Buffer.from(`Offer:${made.offer.id}`).toString('base64url');
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    const listed = await t.data(INBOX, { first: 5 }, cleo.token);
    expect(listed.viewer.offers.nodes.map((n: { state: string }) => n.state)).toEqual(['EXPIRED']);
    const redeem = await t.data(mutate('offerRedeem'), { input: { id } }, cleo.token);
    expect(redeem.offerRedeem.userErrors.map((e: { code: string }) => e.code)).toEqual(['INVALID_STATE']);
    await t.app.runtime.background!.offerTimers.tick();
    expect(await t.app.dataSource.query('SELECT state FROM offer WHERE id = $1', [made.offer.id])).toEqual([{ state: 'EXPIRED' }]);
    const expired = await t.data(INBOX, { first: 5, state: 'EXPIRED' }, cleo.token);
    expect(expired.viewer.offers.nodes).toHaveLength(1);
  });

  it('makes one offer for a cart left idle, when the clock says it is, in the customer’s language', async () => {
    const seller = await createSeller(t);
    const p = await createProduct(t, seller.key, { title: 'Ceramic mug' });
    const listingId = await createListing(t, seller.key, p.variantIds[0]!, { price: { amount: 1800, currency: 'EUR' }, stock: 10 });
    const [dani] = (await insertCustomers(t, 1)) as [TestCustomer];
    await t.app.dataSource.query(`UPDATE customer SET locale = 'es' WHERE id = $1`, [dani.id]);
    await grantPersonalization(t, [dani.id]);
    clock = new Date();
    await cartWith(t, dani.token, [{ listingId, quantity: 1 }]);
    await t.app.runtime.background!.offerTimers.tick();
    expect(await t.app.dataSource.query('SELECT count(*)::int AS n FROM offer WHERE customer_id = $1', [dani.id])).toEqual([{ n: 0 }]);
    clock = new Date(Date.now() + 61 * 60_000);
    await t.app.runtime.background!.offerTimers.tick();
    await t.app.runtime.background!.offerTimers.tick();
    const inbox = await t.data(INBOX, { first: 5 }, dani.token);
    expect(inbox.viewer.offers.nodes).toEqual([{ id: expect.any(String), reason: 'Tu carrito te espera: Ceramic mug', state: 'NEW', trigger: 'CART_IDLE', product: { title: 'Ceramic mug' } }]);
  });
});
