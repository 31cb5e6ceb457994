import { defineModule } from '../../src/core/module';
import type { DomainEvent } from '../../src/events/event-types';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';

// Two modules hear the same event type: the first always fails, the second must still get every event.
const failing = defineModule({
  name: 'test-always-failing-hook',
  entities: [],
  resolvers: [],
  hooks: {
    'cart.updated': async () => {
      throw new Error('this hook always fails');
    },
  },
});
const delivered: DomainEvent[] = [];
const observer = defineModule({
  name: 'test-isolated-observer',
  entities: [],
  resolvers: [],
  hooks: {
    'cart.updated': async (e) => {
      delivered.push(e);
    },
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [failing, observer], eventPollIntervalMs: 50 });
});
afterAll(() => t.stop());

it('delivers an event to every handler when one of them fails, and keeps retrying it for the failing one', async () => {
  const cart = await t.data('mutation { cartCreate { cart { id } } }');
  const update = await t.data(
    'mutation ($input: CartBuyerIdentityUpdateInput!) { cartBuyerIdentityUpdate(input: $input) { userErrors { message } } }',
    { input: { cartId: cart.cartCreate.cart.id, email: 'isolated@example.com' } },
  );
  expect(update.cartBuyerIdentityUpdate.userErrors).toEqual([]);
  const [{ id: eventId }] = await t.app.dataSource.query(`SELECT id FROM outbox WHERE type = 'cart.updated' ORDER BY id DESC LIMIT 1`);

  await until(() => delivered.some((e) => String(e.id) === String(eventId)), 'the observer to get the event despite the failing hook');
  await until(async () => {
    const [row] = await t.app.dataSource.query('SELECT attempts, last_error, dispatched_at FROM outbox WHERE id = $1', [eventId]);
    return row.attempts >= 1;
  }, 'the failed delivery to be recorded');
  const [row] = await t.app.dataSource.query('SELECT attempts, last_error, dispatched_at FROM outbox WHERE id = $1', [eventId]);
  expect(row.dispatched_at).toBeNull();
  expect(row.last_error).toContain('this hook always fails');
});
