import { idOf } from '../../../src/core/global-id';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createCategory, createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { countRows, event, newVisitor, setConsent, track, TRACK, VISITOR } from './personalization-fixtures';

let t: TestApp;
let seller: TestSeller;
let productId: string;
let listingId: string;
let otherListingId: string;
let customer: TestCustomer;
beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
  const category = await createCategory(t);
  const product = await createProduct(t, seller.key, { categoryId: category });
  productId = product.id;
  listingId = await createListing(t, seller.key, product.variantIds[0]!);
  const other = await createProduct(t, seller.key);
  otherListingId = await createListing(t, seller.key, other.variantIds[0]!);
  [customer] = await insertCustomers(t, 1);
  await setConsent(t, customer!.token, true);
});
afterAll(() => t.stop());

const eventsOf = (customerId: string) => countRows(t, 'SELECT 1 FROM touchpoint_event WHERE customer_id = $1', [customerId]);
const unknownProduct = Buffer.from('Product:00000000-0000-4000-8000-000000000000').toString('base64url');

describe('eventsTrack', () => {
  it('stores the valid events of a batch and names each invalid one by its index', async () => {
    const [buyer] = await insertCustomers(t, 1);
    await setConsent(t, buyer!.token, true);
    const result = await track(
      t,
      [
        event('PRODUCT_VIEWED', { productId }),
        event('PRODUCT_VIEWED', { productId: unknownProduct }),
        event('PRODUCT_VIEWED', { productId }, -10 * 60_000),
        event('PRODUCT_VIEWED', { productId }, 8 * 86_400_000),
        event('LISTING_ADDED_TO_CART', {}),
        event('SEARCH_PERFORMED', { searchText: 'x'.repeat(201) }),
        event('PRODUCT_LIKED', { productId, listingId: otherListingId }),
        event('PRODUCT_SHARED', { productId: listingId }),
        event('SEARCH_PERFORMED', { searchText: 'red shoes' }),
        event('LISTING_ADDED_TO_CART', { listingId }),
      ],
      buyer!.token,
    );
    expect(result.accepted).toBe(3);
    expect(result.duplicates).toBe(0);
    expect(result.userErrors.map((e) => [e.field, e.code])).toEqual([
      [['input', 'events', '1', 'productId'], 'NOT_FOUND'],
      [['input', 'events', '2', 'occurredAt'], 'INVALID'],
      [['input', 'events', '3', 'occurredAt'], 'INVALID'],
      [['input', 'events', '4', 'listingId'], 'BLANK'],
      [['input', 'events', '5', 'searchText'], 'TOO_LONG'],
      [['input', 'events', '6', 'listingId'], 'INVALID'],
      [['input', 'events', '7', 'productId'], 'INVALID_ID'],
    ]);
    expect(result.userErrors[1]!.message).toBe('occurredAt is in the future.');
    expect(await eventsOf(buyer!.id)).toBe(3);
    // The listing's product, seller and category come with it.
    const [cartAdd] = await t.app.dataSource.query(
      `SELECT product_id, seller_id, category_id FROM touchpoint_event WHERE customer_id = $1 AND type = 'LISTING_ADDED_TO_CART'`,
      [buyer!.id],
    );
    expect(cartAdd.product_id).toBe(idOf(productId, 'Product'));
    expect(cartAdd.seller_id).toBe(idOf(seller.id, 'Seller'));
    expect(cartAdd.category_id).not.toBeNull();
  });

  it('tolerates a client clock a little fast', async () => {
    const result = await track(t, [event('PRODUCT_VIEWED', { productId }, -2 * 60_000)], customer!.token);
    expect(result).toEqual({ accepted: 1, duplicates: 0, userErrors: [] });
  });

  it('refuses more than 100 events in one call, storing none', async () => {
    const before = await eventsOf(customer!.id);
    const events = Array.from({ length: 101 }, (_, i) => event('PRODUCT_VIEWED', { productId, id: `big-${i}` }));
    const result = await track(t, events, customer!.token);
    expect(result).toEqual({
      accepted: 0,
      duplicates: 0,
      userErrors: [{ field: ['input', 'events'], code: 'LIMIT_EXCEEDED', message: expect.stringContaining('At most 100 events') }],
    });
    expect(await eventsOf(customer!.id)).toBe(before);
    const hundred = await track(t, events.slice(0, 100), customer!.token);
    expect(hundred).toEqual({ accepted: 100, duplicates: 0, userErrors: [] });
  });

  it('never counts a resent batch twice, nor a duplicate inside one', async () => {
    const [buyer] = await insertCustomers(t, 1);
    await setConsent(t, buyer!.token, true);
    const batch = Array.from({ length: 20 }, (_, i) => event('PRODUCT_VIEWED', { productId, id: `offline-${i}` }));
    expect(await track(t, batch, buyer!.token)).toEqual({ accepted: 20, duplicates: 0, userErrors: [] });
    expect(await track(t, batch, buyer!.token)).toEqual({ accepted: 0, duplicates: 20, userErrors: [] });
    const twice = [event('PRODUCT_LIKED', { productId, id: 'like-1' }), event('PRODUCT_LIKED', { productId, id: 'like-1' })];
    expect(await track(t, twice, buyer!.token)).toEqual({ accepted: 1, duplicates: 1, userErrors: [] });
    expect(await eventsOf(buyer!.id)).toBe(21);
  });

  it('counts a batch resent concurrently exactly once, traits included', async () => {
    const [buyer] = await insertCustomers(t, 1);
    await setConsent(t, buyer!.token, true);
    const batch = Array.from({ length: 50 }, (_, i) => event('PRODUCT_VIEWED', { listingId, id: `race-${i}` }));
    const results = await Promise.all(Array.from({ length: 6 }, () => track(t, batch, buyer!.token)));
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(50);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(250);
    expect(await eventsOf(buyer!.id)).toBe(50);
    const [day] = await t.app.dataSource.query('SELECT sum(weight)::int AS w FROM customer_category_day WHERE customer_id = $1', [buyer!.id]);
    expect(day.w).toBe(50);
  });

  it('keeps the same client id of two customers apart', async () => {
    const [a, b] = await insertCustomers(t, 2);
    await setConsent(t, a!.token, true);
    await setConsent(t, b!.token, true);
    const batch = [event('PRODUCT_VIEWED', { productId, id: 'shared-id' })];
    expect((await track(t, batch, a!.token)).accepted).toBe(1);
    expect((await track(t, batch, b!.token)).accepted).toBe(1);
  });

  it('takes guests by a visitor id issued here and refuses a forged or foreign one', async () => {
    const visitor = await newVisitor(t);
    expect(await track(t, [event('PRODUCT_VIEWED', { productId, id: 'g1' })], undefined, visitor)).toEqual({
      accepted: 1,
      duplicates: 0,
      userErrors: [],
    });
    const uuid = visitor.split('.')[0]!;
    expect(await countRows(t, 'SELECT 1 FROM touchpoint_event WHERE visitor_id = $1 AND customer_id IS NULL', [uuid])).toBe(1);

    const other = await startTestApp({ jwtSecret: 'another-deployment-secret-0123456789abcdef' }, { sharing: t });
    try {
      const foreign = (await other.data(VISITOR)).visitorCreate.visitorId;
      const forged = `${uuid}.${'A'.repeat(43)}`;
      for (const visitorId of [foreign, forged, 'not-a-visitor-id']) {
        const result = await track(t, [event('PRODUCT_VIEWED', { productId })], undefined, visitorId);
        expect(result).toEqual({ accepted: 0, duplicates: 0, userErrors: [{ field: ['input', 'visitorId'], code: 'FORBIDDEN', message: expect.any(String) }] });
      }
    } finally {
      await other.stop();
    }
    const anonymous = await track(t, [event('PRODUCT_VIEWED', { productId })]);
    expect(anonymous.userErrors).toEqual([{ field: ['input', 'visitorId'], code: 'BLANK', message: expect.any(String) }]);
  });

  it('is for shoppers: a seller key gets FORBIDDEN, and so does a customer asking for a visitor id', async () => {
    const res = await t.request(TRACK, { input: { events: [event('PRODUCT_VIEWED', { productId })] } }, seller.key);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const visitor = await t.request(VISITOR, {}, customer!.token);
    expect(visitor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('bounds the client id and refuses control characters', async () => {
    const result = await track(
      t,
      [event('PRODUCT_VIEWED', { productId, id: 'x'.repeat(101) }), event('SEARCH_PERFORMED', { searchText: 'a\u0007b' })],
      customer!.token,
    );
    expect(result.accepted).toBe(0);
    expect(result.userErrors.map((e) => [e.field, e.code])).toEqual([
      [['input', 'events', '0', 'id'], 'TOO_LONG'],
      [['input', 'events', '1', 'searchText'], 'INVALID'],
    ]);
  });
});
