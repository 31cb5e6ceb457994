import { randomUUID } from 'node:crypto';
import { cartWith, insertCustomers, madrid, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller, uuidOf, type TestSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import type { WsClient } from '../../helpers/ws-client';
import { grantPersonalization, listenFromNow, makeOffer, reasons } from './offers.fixtures';

const TRACK = `mutation ($input: EventsTrackInput!) { eventsTrack(input: $input) { accepted userErrors { code message } } }`;
const view = (productId: string) => ({ type: 'PRODUCT_VIEWED', channel: 'WEB', occurredAt: new Date(Date.now() - 1_000).toISOString(), productId });

const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

describe('the offer engine', () => {
  let t: TestApp;
  let seller: TestSeller;
  let product: { id: string; listingId: string };
  beforeAll(async () => {
    t = await startTestApp({ migrateOnStart: true, eventPollIntervalMs: 50, offers: { dailyCap: 20, viewThreshold: 3 } });
    seller = await createSeller(t);
    const p = await createProduct(t, seller.key, { title: 'Linen shirt' });
    product = { id: p.id, listingId: await createListing(t, seller.key, p.variantIds[0]!, { price: { amount: 4000, currency: 'EUR' }, stock: 50 }) };
  });
  afterAll(() => t.stop());

  async function track(token: string, events: unknown[]) {
    const data = await t.data(TRACK, { input: { events } }, token);
    expect(data.eventsTrack.userErrors).toEqual([]);
  }

  it('makes exactly one offer to a customer who views a product three times without buying, over the subscription, and none to another', async () => {
    const [ana, ben] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
    await grantPersonalization(t, [ana.id, ben.id]);
    const [toAna, toBen] = [await listenFromNow(t, ana, clients), await listenFromNow(t, ben, clients)];
    await track(ana.token, [view(product.id), view(product.id)]);
    await track(ben.token, [view(product.id)]);
    await track(ana.token, [view(product.id)]);
    await until(() => reasons(toAna).some((r) => r.includes('Linen shirt')), "Ana's offer");
    // More views (redelivered or new) make no second offer for the same product.
    await track(ana.token, [view(product.id), view(product.id)]);
    await t.app.services.events.drain();
    await makeOffer(t, ana.id, 'marker');
    await until(() => reasons(toAna).includes('Because marker'), 'the marker after the engine ran');
    expect(reasons(toAna)).toEqual(['Because you viewed Linen shirt 3 times', 'Because marker']);
    expect(toAna.events[0]!.offers.offer).toMatchObject({ trigger: 'REPEATED_VIEWS', state: 'NEW', discount: { percent: expect.any(Number) } });
    expect(reasons(toBen)).toEqual([]);
  });

  it('offers a price drop and a restock to the consenting customers who viewed or liked the product, once per drop', async () => {
    const p = await createProduct(t, seller.key, { title: 'Rain boots' });
    const listingId = await createListing(t, seller.key, p.variantIds[0]!, { price: { amount: 6000, currency: 'EUR' }, stock: 0 });
    const [viewer, liker, stranger, unconsenting] = (await insertCustomers(t, 4)) as [TestCustomer, TestCustomer, TestCustomer, TestCustomer];
    await grantPersonalization(t, [viewer.id, liker.id, stranger.id]);
    await track(viewer.token, [view(p.id)]);
    await track(liker.token, [{ ...view(p.id), type: 'PRODUCT_LIKED' }]);
    await track(unconsenting.token, [view(p.id)]);
    const restock = await t.data(`mutation ($input: ListingStockSetInput!) { listingStockSet(input: $input) { userErrors { code } } }`, { input: { listingId, stock: 5 } }, seller.key);
    expect(restock.listingStockSet.userErrors).toEqual([]);
    const drop = `mutation ($input: ListingUpdateInput!) { listingUpdate(input: $input) { userErrors { code } } }`;
    expect((await t.data(drop, { input: { id: listingId, price: { amount: 5000, currency: 'EUR' } } }, seller.key)).listingUpdate.userErrors).toEqual([]);
    // A rise is no trigger.
    expect((await t.data(drop, { input: { id: listingId, price: { amount: 5500, currency: 'EUR' } } }, seller.key)).listingUpdate.userErrors).toEqual([]);
    await t.app.services.events.drain();
    await t.app.services.events.drain();
    const offersOf = async (c: TestCustomer) =>
      (await t.app.dataSource.query('SELECT trigger, reason FROM offer WHERE customer_id = $1 AND product_id = $2 ORDER BY sequence', [c.id, Buffer.from(p.id, 'base64url').toString().split(':')[1]])) as { trigger: string; reason: string }[];
    expect(await offersOf(viewer)).toEqual([
      { trigger: 'BACK_IN_STOCK', reason: 'Rain boots, which you viewed, is back in stock' },
      { trigger: 'PRICE_DROP', reason: 'The price of Rain boots, which you viewed, went down' },
    ]);
    expect((await offersOf(liker)).map((o) => o.reason)).toEqual(['Rain boots, which you liked, is back in stock', 'The price of Rain boots, which you liked, went down']);
    expect(await offersOf(stranger)).toEqual([]);
    expect(await offersOf(unconsenting)).toEqual([]);
  });

  it('makes no offer without the personalization consent', async () => {
    const [carl] = (await insertCustomers(t, 1)) as [TestCustomer];
    await track(carl.token, [view(product.id), view(product.id), view(product.id)]);
    await t.app.services.events.drain();
    const [{ count }] = await t.app.dataSource.query('SELECT count(*)::int AS count FROM offer WHERE customer_id = $1', [carl.id]);
    expect(count).toBe(0);
    expect(await makeOffer(t, carl.id, 'direct')).toEqual({ refused: 'NO_CONSENT' });
  });

  it('holds the daily cap and "never the same offer twice" under many concurrent triggers', async () => {
    const [dana] = (await insertCustomers(t, 1)) as [TestCustomer];
    await grantPersonalization(t, [dana.id]);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => makeOffer(t, dana.id, `burst-${i % 10}`)));
    const made = results.filter((r) => 'offer' in r);
    expect(made).toHaveLength(10);
    expect(results.filter((r) => 'refused' in r && r.refused === 'DUPLICATE').length).toBe(30);
    const more = await Promise.all(Array.from({ length: 30 }, (_, i) => makeOffer(t, dana.id, `more-${i}`)));
    expect(more.filter((r) => 'offer' in r)).toHaveLength(10);
    expect(more.filter((r) => 'refused' in r && r.refused === 'DAILY_CAP')).toHaveLength(20);
    const rows = await t.app.dataSource.query('SELECT sequence FROM offer WHERE customer_id = $1 ORDER BY sequence', [dana.id]);
    expect(rows.map((r: { sequence: number }) => Number(r.sequence))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('puts a redeemed offer on the cart and honours it at checkout, once, until it expires', async () => {
    const [eve] = (await insertCustomers(t, 1)) as [TestCustomer];
    await grantPersonalization(t, [eve.id]);
    const listingUuid = Buffer.from(product.listingId, 'base64url').toString().split(':')[1]!;
    const made = await makeOffer(t, eve.id, 'shirt-deal', { listingId: listingUuid, discount: { percent: 25 }, reason: { en: '25% off the shirt' } });
    if (!('offer' in made)) throw new Error('no offer');
    const offerId = Buffer.from(`Offer:${made.offer.id}`).toString('base64url');
    const redeem = await t.data(`mutation ($input: OfferIdInput!) { offerRedeem(input: $input) { offer { state } userErrors { code } } }`, { input: { id: offerId } }, eve.token);
    expect(redeem.offerRedeem).toEqual({ offer: { state: 'REDEEMED' }, userErrors: [] });
    const again = await t.data(`mutation ($input: OfferIdInput!) { offerRedeem(input: $input) { userErrors { code } } }`, { input: { id: offerId } }, eve.token);
    expect(again.offerRedeem.userErrors).toEqual([{ code: 'INVALID_STATE' }]);
    const cartId = await cartWith(t, eve.token, [{ listingId: product.listingId, quantity: 1 }]);
    const { cart } = await t.data(`query ($id: ID!) { cart(id: $id) { discountTotal { amount } sellerGroups { adjustments { source label amount { amount } } } } }`, { id: cartId }, eve.token);
    expect(cart.discountTotal.amount).toBe(1000);
    expect(cart.sellerGroups[0].adjustments).toEqual([{ source: 'offer', label: '25% off the shirt', amount: { amount: 1000 } }]);
    const res = await t.data(
      `mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { total { amount } } userErrors { code message } } }`,
      { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
      eve.token,
    );
    expect(res.checkoutComplete.userErrors).toEqual([]);
    const secondCart = await cartWith(t, eve.token, [{ listingId: product.listingId, quantity: 1 }]);
    const second = await t.data(`query ($id: ID!) { cart(id: $id) { discountTotal { amount } } }`, { id: secondCart }, eve.token);
    expect(second.cart.discountTotal.amount).toBe(0);
  });

  it('honours a product offer once in a checkout that buys the product from two sellers, on the first seller in id order', async () => {
    const [fay] = (await insertCustomers(t, 1)) as [TestCustomer];
    await grantPersonalization(t, [fay.id]);
    const other = await createSeller(t);
    const p = await createProduct(t, seller.key, { title: 'Wool scarf' });
    const listings = [
      { seller, listingId: await createListing(t, seller.key, p.variantIds[0]!, { price: { amount: 2000, currency: 'EUR' }, stock: 5 }) },
      { seller: other, listingId: await createListing(t, other.key, p.variantIds[0]!, { price: { amount: 2000, currency: 'EUR' }, stock: 5 }) },
    ];
    const productUuid = Buffer.from(p.id, 'base64url').toString().split(':')[1]!;
    const made = await makeOffer(t, fay.id, 'scarf-deal', { productId: productUuid, discount: { percent: 50 }, reason: { en: 'Half off the scarf' } });
    if (!('offer' in made)) throw new Error('no offer');
    const offerId = Buffer.from(`Offer:${made.offer.id}`).toString('base64url');
    const redeem = await t.data(`mutation ($input: OfferIdInput!) { offerRedeem(input: $input) { userErrors { code } } }`, { input: { id: offerId } }, fay.token);
    expect(redeem.offerRedeem.userErrors).toEqual([]);
    const cartId = await cartWith(t, fay.token, listings.map((l) => ({ listingId: l.listingId, quantity: 1 })));
    const res = await t.data(
      `mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) {
        checkout { orders { seller { id } discountTotal { amount } } } userErrors { code message } } }`,
      { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
      fay.token,
    );
    expect(res.checkoutComplete.userErrors).toEqual([]);
    const first = [...listings].sort((a, b) => (uuidOf(a.seller.id) < uuidOf(b.seller.id) ? -1 : 1))[0]!.seller.id;
    const discounts = res.checkoutComplete.checkout.orders.map((o: any) => [o.seller.id, o.discountTotal.amount]);
    expect(discounts.sort()).toEqual(listings.map((l) => [l.seller.id, l.seller.id === first ? 1000 : 0]).sort());
  });

  it("lets no customer see, change or redeem another's offer by any ID", async () => {
    const [fay, gus] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
    await grantPersonalization(t, [fay.id, gus.id]);
    const made = await makeOffer(t, fay.id, 'fays');
    if (!('offer' in made)) throw new Error('no offer');
    const id = Buffer.from(`Offer:${made.offer.id}`).toString('base64url');
    const node = await t.data('query ($id: ID!) { node(id: $id) { id } }', { id }, gus.token);
    expect(node.node).toBeNull();
    for (const mutation of ['offerSeen', 'offerDismiss', 'offerRedeem']) {
      const res = await t.data(`mutation ($input: OfferIdInput!) { ${mutation}(input: $input) { offer { id } userErrors { code } } }`, { input: { id } }, gus.token);
      expect(res[mutation]).toEqual({ offer: null, userErrors: [{ code: 'NOT_FOUND' }] });
    }
    const inbox = await t.data('{ viewer { offers(first: 100) { nodes { id } } } }', {}, gus.token);
    expect(inbox.viewer.offers.nodes).toEqual([]);
    const seller = await createSeller(t);
    const bySeller = await t.request(`mutation ($input: OfferIdInput!) { offerSeen(input: $input) { userErrors { code } } }`, { input: { id } }, seller.key);
    expect(bySeller.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const state = await t.app.dataSource.query('SELECT state FROM offer WHERE id = $1', [made.offer.id]);
    expect(state).toEqual([{ state: 'NEW' }]);
  });
});
