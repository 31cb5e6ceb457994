import coCreation from '../../../plugins/co-creation';
import { CONVERT, install, propose, voteBy } from '../../../plugins/co-creation/test/co-creation.fixtures';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import { grantPersonalization } from './offers.fixtures';

const INBOX = '{ viewer { offers(first: 10) { nodes { reason trigger product { id } } } } }';

describe('offers proposed by plugins (co-creation)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ plugins: [coCreation], migrateOnStart: true, eventPollIntervalMs: 50, offers: { dailyCap: 10 } });
  });
  afterAll(() => t.stop());

  it('offers a co-created product to the consenting customers who voted for it once it goes on sale, once each', async () => {
    const seller = await createSeller(t);
    await install(t, seller, { voteThreshold: 2 });
    const [author, fan, quiet, stranger] = (await insertCustomers(t, 4)) as [TestCustomer, TestCustomer, TestCustomer, TestCustomer];
    await grantPersonalization(t, [author.id, fan.id, stranger.id]);
    const proposalId = await propose(t, author, seller, 'Folding bike basket');
    await voteBy(t, proposalId, [fan, quiet]);
    const converted = await t.data(
      CONVERT,
      { input: { proposalId, price: { amount: 3500, currency: 'EUR' }, preorderStock: 50, handlingDays: 10 } },
      seller.key,
    );
    expect(converted.coCreationProposalConvert.userErrors).toEqual([]);
    const productId = converted.coCreationProposalConvert.product.id;
    await until(async () => (await t.data(INBOX, {}, fan.token)).viewer.offers.nodes.length > 0, "the fan's offer");
    await t.app.services.events.drain();
    const fanInbox = await t.data(INBOX, {}, fan.token);
    expect(fanInbox.viewer.offers.nodes).toEqual([{ reason: 'You voted for Folding bike basket: it is on sale now', trigger: 'PLUGIN', product: { id: productId } }]);
    // No consent: no offer; no vote: no offer.
    for (const customer of [quiet, stranger]) expect((await t.data(INBOX, {}, customer.token)).viewer.offers.nodes).toEqual([]);
  });
});
