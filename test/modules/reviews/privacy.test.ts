import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { buy, deliver, review } from './review-fixtures';

let t: TestApp;
let seller: TestSeller;
beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
});
afterAll(() => t.stop());

const LIKE = 'mutation ($input: ProductLikeInput!) { productLike(input: $input) { userErrors { code } } }';

describe("a customer's reviews and likes under GDPR", () => {
  it('exports them, and erasure drops likes and votes (with their counts) while the review stays, unsigned', async () => {
    const product = await createProduct(t, seller.key, { title: 'Rain jacket' });
    const listingId = await createListing(t, seller.key, product.variantIds[0]!, { stock: 10 });
    const [customer, other] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
    const [order] = await buy(t, customer, [listingId]);
    await deliver(t, seller, order!.id);
    const { id: reviewId } = await review(t, customer.token, order!.lineIds[0]!, 5);
    const [otherOrder] = await buy(t, other, [listingId]);
    await deliver(t, seller, otherOrder!.id);
    const { id: otherReview } = await review(t, other.token, otherOrder!.lineIds[0]!, 3);
    await t.data('mutation ($input: ReviewIdInput!) { reviewVoteHelpful(input: $input) { userErrors { code } } }', { input: { id: otherReview } }, customer.token);
    await t.data(LIKE, { input: { productId: product.id } }, customer.token);
    await t.data(LIKE, { input: { productId: product.id } }, other.token);

    const exported = (await t.data('mutation { customerDataExport { data } }', {}, customer.token)).customerDataExport.data;
    expect(exported.reviews).toEqual({
      reviews: [expect.objectContaining({ rating: 5, title: '5 stars', product: 'Rain jacket', status: 'published' })],
      likes: [expect.objectContaining({ product: 'Rain jacket' })],
    });

    const res = await t.data('mutation ($input: CustomerEraseInput!) { customerErase(input: $input) { erased userErrors { code } } }', { input: { confirmEmail: `${customer.id}@example.com` } }, customer.token);
    expect(res.customerErase).toEqual({ erased: true, userErrors: [] });
    const view = await t.data(
      'query ($p: ID!, $r: ID!, $o: ID!) { product(id: $p) { likeCount } mine: node(id: $r) { ... on Review { authorName rating } } theirs: node(id: $o) { ... on Review { helpfulCount } } }',
      { p: product.id, r: reviewId, o: otherReview },
    );
    expect(view).toEqual({ product: { likeCount: 1 }, mine: { authorName: 'Erased C.', rating: 5 }, theirs: { helpfulCount: 0 } });
  });
});
