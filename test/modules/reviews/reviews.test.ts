import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller, type TestProduct, type TestSeller } from '../../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { CREATE, buy, deliver, review } from './review-fixtures';

let t: TestApp;
let seller: TestSeller;
let other: TestSeller;
let product: TestProduct;
let listingId: string;
let author: TestCustomer;
let reader: TestCustomer;
let reviewId: string;

beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
  other = await createSeller(t);
  product = await createProduct(t, seller.key);
  listingId = await createListing(t, seller.key, product.variantIds[0]!, { stock: 100 });
  [author, reader] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
  const [order] = await buy(t, author, [listingId]);
  await deliver(t, seller, order!.id);
  reviewId = (await review(t, author.token, order!.lineIds[0]!, 4)).id;
});
afterAll(() => t.stop());

const REPLY = 'mutation ($input: ReviewReplyInput!) { reviewReply(input: $input) { review { reply { body } } userErrors { code } } }';
const VOTE = 'mutation ($input: ReviewIdInput!) { reviewVoteHelpful(input: $input) { review { helpfulCount } userErrors { code } } }';
const REPORT = 'mutation ($input: ReviewReportInput!) { reviewReport(input: $input) { reported userErrors { code } } }';
const HIDE = 'mutation ($input: ReviewHideInput!) { reviewHide(input: $input) { review { status } userErrors { code } } }';
const RESTORE = 'mutation ($input: ReviewIdInput!) { reviewRestore(input: $input) { review { status } userErrors { code } } }';
const UPDATE = 'mutation ($input: ReviewUpdateInput!) { reviewUpdate(input: $input) { review { rating title editCount edits { rating title } } userErrors { field code } } }';
const PRODUCT_REVIEWS = 'query ($id: ID!) { product(id: $id) { reviews(first: 10) { nodes { id } } ratingSummary { average count } } }';
const NODE = 'query ($id: ID!) { node(id: $id) { ... on Review { id status hiddenReason } } }';

describe('review eligibility', () => {
  it('accepts only delivered lines of your own orders, once per line, even when sent twice at once', async () => {
    const [buyer] = (await insertCustomers(t, 1)) as [TestCustomer];
    const [order] = await buy(t, buyer, [listingId]);
    const lineId = order!.lineIds[0]!;
    const input = { orderLineId: lineId, rating: 5, title: 'Great', body: 'Really.' };
    const early = await t.data(CREATE, { input }, buyer.token);
    expect(early.reviewCreate.userErrors).toEqual([{ field: ['input', 'orderLineId'], message: expect.stringContaining('PAID'), code: 'INVALID_STATE' }]);
    await deliver(t, seller, order!.id);
    const foreign = await t.data(CREATE, { input }, reader.token);
    expect(foreign.reviewCreate.userErrors[0].code).toBe('NOT_FOUND');
    const bySeller = await t.request(CREATE, { input }, seller.key);
    expect(bySeller.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const byGuest = await t.request(CREATE, { input });
    expect(byGuest.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');

    const both = await Promise.all([t.data(CREATE, { input }, buyer.token), t.data(CREATE, { input }, buyer.token)]);
    const made = both.filter((r) => r.reviewCreate.review);
    expect(made).toHaveLength(1);
    expect(both.find((r) => !r.reviewCreate.review).reviewCreate.userErrors[0].code).toBe('TAKEN');
    expect(made[0].reviewCreate.review).toMatchObject({ rating: 5, status: 'PUBLISHED', verifiedPurchase: true, product: { id: product.id }, seller: { id: seller.id } });
    const again = await t.data(CREATE, { input }, buyer.token);
    expect(again.reviewCreate.userErrors[0].code).toBe('TAKEN');
  });

  it('refuses malformed and oversized content before touching the order', async () => {
    const bad = async (extra: Record<string, unknown>) =>
      (await t.data(CREATE, { input: { orderLineId: 'nope', rating: 3, title: 'T', body: 'B', ...extra } }, author.token)).reviewCreate.userErrors;
    expect(await bad({ rating: 0 })).toEqual([expect.objectContaining({ field: ['input', 'rating'], code: 'INVALID' })]);
    expect(await bad({ rating: 6 })).toEqual([expect.objectContaining({ field: ['input', 'rating'], code: 'INVALID' })]);
    expect(await bad({ title: 'x'.repeat(121) })).toEqual([expect.objectContaining({ field: ['input', 'title'], code: 'TOO_LONG' })]);
    expect(await bad({ body: 'x'.repeat(100_000) })).toEqual([expect.objectContaining({ field: ['input', 'body'], code: 'TOO_LONG' })]);
    expect(await bad({ title: '  ' })).toEqual([expect.objectContaining({ field: ['input', 'title'], code: 'BLANK' })]);
    expect(await bad({ photos: ['http://example.com/a.jpg'] })).toEqual([expect.objectContaining({ field: ['input', 'photos', '0'], code: 'INVALID' })]);
    expect(await bad({ photos: ['javascript:alert(1)'] })).toEqual([expect.objectContaining({ field: ['input', 'photos', '0'], code: 'INVALID' })]);
    expect(await bad({ photos: Array.from({ length: 11 }, () => 'https://example.com/a.jpg') })).toEqual([
      expect.objectContaining({ field: ['input', 'photos'], code: 'TOO_LONG' }),
    ]);
    expect(await bad({})).toEqual([expect.objectContaining({ field: ['input', 'orderLineId'], code: 'INVALID_ID' })]);
  });
});

describe('seller replies', () => {
  it('lets only the seller of the sale reply, and only once', async () => {
    const byOther = await t.data(REPLY, { input: { id: reviewId, body: 'Thanks!' } }, other.key);
    expect(byOther.reviewReply.userErrors).toEqual([{ code: 'FORBIDDEN' }]);
    const byCustomer = await t.request(REPLY, { input: { id: reviewId, body: 'Thanks!' } }, reader.token);
    expect(byCustomer.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const ok = await t.data(REPLY, { input: { id: reviewId, body: 'Thanks!' } }, seller.key);
    expect(ok.reviewReply).toEqual({ review: { reply: { body: 'Thanks!' } }, userErrors: [] });
    const twice = await t.data(REPLY, { input: { id: reviewId, body: 'Again' } }, seller.key);
    expect(twice.reviewReply.userErrors).toEqual([{ code: 'TAKEN' }]);
  });
});

describe('helpful votes', () => {
  it('counts each other customer once, however often or concurrently they vote, and never the author', async () => {
    const own = await t.data(VOTE, { input: { id: reviewId } }, author.token);
    expect(own.reviewVoteHelpful.userErrors).toEqual([{ code: 'FORBIDDEN' }]);
    const voters = await insertCustomers(t, 3);
    await Promise.all(voters.flatMap((v) => [1, 2, 3].map(() => t.data(VOTE, { input: { id: reviewId } }, v.token))));
    const res = await t.data(VOTE, { input: { id: reviewId } }, voters[0]!.token);
    expect(res.reviewVoteHelpful).toEqual({ review: { helpfulCount: 3 }, userErrors: [] });
  });
});

describe('abuse reports and moderation', () => {
  it('takes reports from anyone once each; the operator hides and restores, and summaries follow', async () => {
    expect((await t.data(REPORT, { input: { id: reviewId, reason: 'spam' } })).reviewReport).toEqual({ reported: true, userErrors: [] });
    expect((await t.data(REPORT, { input: { id: reviewId, reason: 'spam' } }, reader.token)).reviewReport.reported).toBe(true);
    expect((await t.data(REPORT, { input: { id: reviewId, reason: 'again' } }, reader.token)).reviewReport.reported).toBe(false);
    const tooLong = await t.data(REPORT, { input: { id: reviewId, reason: 'x'.repeat(501) } }, reader.token);
    expect(tooLong.reviewReport.userErrors).toEqual([{ code: 'TOO_LONG' }]);
    const reported = await t.data('{ reportedReviews(first: 10) { nodes { id reportCount } } }', {}, ADMIN_KEY);
    expect(reported.reportedReviews.nodes).toContainEqual({ id: reviewId, reportCount: 2 });
    const notOperator = await t.request('{ reportedReviews(first: 10) { nodes { id } } }', {}, seller.key);
    expect(notOperator.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const before = (await t.data(PRODUCT_REVIEWS, { id: product.id })).product;
    expect(before.reviews.nodes.map((n: any) => n.id)).toContain(reviewId);
    const bySeller = await t.request(HIDE, { input: { id: reviewId, reason: 'Insults' } }, seller.key);
    expect(bySeller.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await t.data(HIDE, { input: { id: reviewId, reason: 'Insults' } }, ADMIN_KEY)).reviewHide).toEqual({ review: { status: 'HIDDEN' }, userErrors: [] });
    expect((await t.data(HIDE, { input: { id: reviewId, reason: 'Insults' } }, ADMIN_KEY)).reviewHide.userErrors).toEqual([{ code: 'INVALID_STATE' }]);
    const hidden = (await t.data(PRODUCT_REVIEWS, { id: product.id })).product;
    expect(hidden.reviews.nodes.map((n: any) => n.id)).not.toContain(reviewId);
    expect(hidden.ratingSummary.count).toBe(before.ratingSummary.count - 1);
    expect((await t.data(NODE, { id: reviewId }, reader.token)).node).toBeNull();
    expect((await t.data(NODE, { id: reviewId }, author.token)).node).toEqual({ id: reviewId, status: 'HIDDEN', hiddenReason: 'Insults' });
    expect((await t.data(VOTE, { input: { id: reviewId } }, reader.token)).reviewVoteHelpful.userErrors).toEqual([{ code: 'NOT_FOUND' }]);

    expect((await t.data(RESTORE, { input: { id: reviewId } }, ADMIN_KEY)).reviewRestore).toEqual({ review: { status: 'PUBLISHED' }, userErrors: [] });
    const restored = (await t.data(PRODUCT_REVIEWS, { id: product.id })).product;
    expect(restored.ratingSummary).toEqual(before.ratingSummary);
    expect((await t.data(NODE, { id: reviewId }, reader.token)).node).toEqual({ id: reviewId, status: 'PUBLISHED', hiddenReason: null });
  });
});

describe('edits', () => {
  it('keeps every earlier version and moves the rating in the summaries; only the author edits', async () => {
    const [buyer] = (await insertCustomers(t, 1)) as [TestCustomer];
    const [order] = await buy(t, buyer, [listingId]);
    await deliver(t, seller, order!.id);
    const { id } = await review(t, buyer.token, order!.lineIds[0]!, 5);
    const summary = async () => (await t.data(PRODUCT_REVIEWS, { id: product.id })).product.ratingSummary;
    const before = await summary();
    const foreign = await t.data(UPDATE, { input: { id, rating: 1 } }, reader.token);
    expect(foreign.reviewUpdate.userErrors).toEqual([{ field: ['input', 'id'], code: 'FORBIDDEN' }]);
    await t.data(UPDATE, { input: { id, rating: 2 } }, buyer.token);
    const res = await t.data(UPDATE, { input: { id, title: 'Broke after a week' } }, buyer.token);
    expect(res.reviewUpdate).toEqual({
      review: { rating: 2, title: 'Broke after a week', editCount: 2, edits: [{ rating: 2, title: '5 stars' }, { rating: 5, title: '5 stars' }] },
      userErrors: [],
    });
    const after = await summary();
    expect(after.count).toBe(before.count);
    expect(after.average * after.count).toBeCloseTo(before.average * before.count - 3, 6);
  });
});
