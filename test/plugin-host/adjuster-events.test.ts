import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { definePlugin } from 'zoco/plugin';
import { MADRID, startPluginTestApp, type PluginTestApp, type TestSeller } from 'zoco/plugin/testing';

/**
 * A checkout holds the events it records and writes them in one statement at its end (events/outbox.ts,
 * batchEvents). A plugin adjuster runs under a savepoint: what it emitted before failing must be dropped
 * with the rest of its work, and what it emitted when it succeeded must be written.
 */
const noisy = definePlugin({
  name: 'noisy-adjuster',
  version: '1.0.0',
  compatibility: '^1.0.0',
  description: 'Emits an event from its checkout adjuster, then fails when configured to.',
  config: z.strictObject({ fail: z.boolean().default(false) }),
  permissions: [],
  emits: { tried: z.strictObject({ total: z.number() }) },
  checkout: {
    async adjust(group, scope) {
      if (group.phase !== 'checkout') return { adjustments: [] };
      await scope.emit('tried', { total: group.subtotal });
      if (scope.config.fail) throw new Error('adjuster failed after emitting');
      return { adjustments: [] };
    },
  },
});

let t: PluginTestApp;
let steady: TestSeller;
let failing: TestSeller;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [noisy] });
  steady = await t.seller();
  failing = await t.seller();
  await t.install(steady, 'noisy-adjuster', { fail: false });
  await t.install(failing, 'noisy-adjuster', { fail: true });
});
afterAll(() => t.stop());

it("drops the events of a plugin adjuster rolled back to its savepoint, and keeps the other's and the checkout's", async () => {
  const buyer = await t.customer();
  const fromSteady = await t.listing(steady, { price: 1000 });
  const fromFailing = await t.listing(failing, { price: 2000 });
  const cartId = await t.cart(buyer, [{ listingId: fromSteady.listingId }, { listingId: fromFailing.listingId }]);
  const res = await t.data(
    `mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { orders { id } } userErrors { code } } }`,
    { input: { cartId, shippingAddress: MADRID, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
    buyer.token,
  );
  expect(res.checkoutComplete.userErrors).toEqual([]);
  const rows: { type: string; sellerId: string | null }[] = await t.app.dataSource.query(
    `SELECT type, payload->>'sellerId' AS "sellerId" FROM outbox WHERE type = 'noisy-adjuster.tried' OR payload->>'orderId' = ANY($1) ORDER BY id`,
    [res.checkoutComplete.checkout.orders.map((o: { id: string }) => Buffer.from(o.id, 'base64url').toString().split(':')[1])],
  );
  expect(rows.filter((r) => r.type === 'noisy-adjuster.tried')).toEqual([{ type: 'noisy-adjuster.tried', sellerId: steady.uuid }]);
  expect(rows.map((r) => r.type).filter((type) => type !== 'noisy-adjuster.tried')).toEqual([
    'order.placed',
    'order.paid',
    'order.placed',
    'order.paid',
    'invoice.issued',
    'invoice.issued',
  ]);
});
