import { startPluginTestApp, type PluginTestApp } from 'zoco/plugin/testing';
import { webhooksPlugin } from '../index';
import { CREATE, DELIVERIES, INSTALL, createEndpoint, webhookSeller } from './webhook-fixtures';

/** The tests' receiver listens on 127.0.0.1: the deployment setting that lets webhooks reach it. */
const webhooks = webhooksPlugin({ allowPrivateAddresses: true });

let t: PluginTestApp;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [webhooks] });
});
afterAll(() => t.stop());

const ENDPOINTS = '{ webhookEndpoints { id url events active previousSecretExpiresAt } }';
const UPDATE = `mutation ($input: WebhookEndpointUpdateInput!) {
  webhookEndpointUpdate(input: $input) { endpoint { id url events active } userErrors { field message code } }
}`;
const DELETE = `mutation ($input: WebhookEndpointIdInput!) { webhookEndpointDelete(input: $input) { deletedId userErrors { field code } } }`;
const ROTATE = `mutation ($input: WebhookEndpointSecretRotateInput!) {
  webhookEndpointSecretRotate(input: $input) { secret userErrors { field code } }
}`;

const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1]!;

/** `count` delivery log entries for the seller's only endpoint, events 1..count, written directly. */
async function logDeliveries(sellerUuid: string, count: number): Promise<void> {
  await t.app.dataSource.query(
    `INSERT INTO webhooks_delivery (seller_id, endpoint_id, event_id, event_type, url, attempt, status, response_status, duration_ms)
     SELECT $1, e.id, n, 'order.paid', e.url, 1, 'succeeded', 200, 5 FROM webhooks_endpoint e, generate_series(1, $2::int) n WHERE e.seller_id = $1`,
    [sellerUuid, count],
  );
}

describe('webhook endpoints', () => {
  it('refuses webhook operations to sellers without the plugin, customers and guests', async () => {
    const seller = await t.seller();
    const input = { url: 'https://erp.example.com/zoco', events: ['*'] };
    const refused = await t.request(CREATE, { input }, seller.key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.request(ENDPOINTS, {}, seller.key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [customer] = await t.customers(1);
    expect((await t.request(CREATE, { input }, customer!.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.request(CREATE, { input })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.request(CREATE, { input }, t.admin)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('validates its config on install, naming the field', async () => {
    const seller = await t.seller();
    const res = await t.data(INSTALL, { input: { plugin: 'webhooks', config: { maxAttempts: 0, timeoutMs: 60_000 } } }, seller.key);
    expect(res.pluginInstall.userErrors.map((e: any) => e.field)).toEqual([
      ['input', 'config', 'maxAttempts'],
      ['input', 'config', 'timeoutMs'],
    ]);
    const defaults = await t.data(INSTALL, { input: { plugin: 'webhooks' } }, seller.key);
    expect(defaults.pluginInstall.installation.config).toEqual({ maxAttempts: 8, timeoutMs: 5000 });

    // pluginConfigure changes only what it is given; an unknown setting is refused, not dropped.
    const CONFIGURE = 'mutation ($config: JSONObject) { pluginConfigure(input: { plugin: "webhooks", config: $config }) { installation { config } userErrors { field message code } } }';
    expect((await t.data(CONFIGURE, { config: { maxAttempts: 3 } }, seller.key)).pluginConfigure.installation.config).toEqual({ maxAttempts: 3, timeoutMs: 5000 });
    expect((await t.data(CONFIGURE, { config: { timeoutMs: 1000 } }, seller.key)).pluginConfigure.installation.config).toEqual({ maxAttempts: 3, timeoutMs: 1000 });
    expect((await t.data(CONFIGURE, { config: { timeout: 2000 } }, seller.key)).pluginConfigure).toEqual({
      installation: null,
      userErrors: [{ field: ['input', 'config'], message: 'Unknown setting: timeout.', code: 'INVALID' }],
    });
  });

  it('creates an endpoint with a secret shown once, and rejects bad URLs and event names', async () => {
    const seller = await webhookSeller(t);
    const created = await t.data(CREATE, { input: { url: 'https://erp.example.com/zoco', events: ['order.paid', 'order.*', 'seller.suspended'] } }, seller.key);
    expect(created.webhookEndpointCreate).toMatchObject({
      endpoint: { url: 'https://erp.example.com/zoco', events: ['order.paid', 'order.*', 'seller.suspended'], active: true },
      secret: expect.stringMatching(/^whsec_/),
      userErrors: [],
    });
    // No field returns the secret again.
    const asked = await t.request('{ webhookEndpoints { secret } }', {}, seller.key);
    expect(asked.errors?.[0]?.message).toMatch(/Cannot query field "secret"/);

    const bad = async (url: string, events = ['*']) => (await t.data(CREATE, { input: { url, events } }, seller.key)).webhookEndpointCreate.userErrors;
    for (const url of ['not a url', 'ftp://erp.example.com/x', 'http://erp.example.com/zoco', 'https://user:secret@erp.example.com/', 'https://erp.example.com/#x']) {
      expect(await bad(url)).toEqual([{ field: ['input', 'url'], message: expect.any(String), code: 'INVALID' }]);
    }
    expect(await bad('https://erp.example.com/zoco', [])).toEqual([{ field: ['input', 'events'], message: expect.any(String), code: 'BLANK' }]);
    expect(await bad('https://erp.example.com/zoco', ['Order Paid', 'order.paid'])).toEqual([
      { field: ['input', 'events'], message: expect.stringContaining('"Order Paid"'), code: 'INVALID' },
    ]);
    // Well-formed but unknown: misspelt, an event of a plugin this deployment doesn't offer, a prefix matching nothing.
    const unknown = await bad('https://erp.example.com/zoco', ['order.payed', 'order.paid', 'co-creation.proposal.approved', 'ordr.*']);
    expect(unknown).toEqual([{ field: ['input', 'events'], message: expect.stringContaining('Unknown event types: "order.payed", "co-creation.proposal.approved", "ordr.*"'), code: 'INVALID' }]);
    expect(unknown[0].message).toContain('Known: complaint.opened, complaint.resolved, complaint.updated, invoice.issued, listing.price_dropped, listing.restocked, order.cancelled');
    expect(await bad('https://erp.example.com/zoco', ['invoice.*', 'seller.reactivated'])).toEqual([]);
    const [mine] = (await t.data(ENDPOINTS, {}, seller.key)).webhookEndpoints;
    const renamed = await t.data(UPDATE, { input: { id: mine.id, events: ['order.shipped'] } }, seller.key);
    expect(renamed.webhookEndpointUpdate.userErrors).toEqual([{ field: ['input', 'events'], message: expect.stringContaining('"order.shipped"'), code: 'INVALID' }]);
    // Plain http to this machine is allowed where the deployment allows private addresses (as here), for development.
    expect(await bad('http://127.0.0.1:4000/hooks')).toEqual([]);
    expect(await bad('http://localhost:4000/hooks')).toEqual([]);
    expect((await t.data(ENDPOINTS, {}, seller.key)).webhookEndpoints).toHaveLength(4);
  });

  it("lets a seller see and change only its own endpoints (another's id is NOT_FOUND)", async () => {
    const a = await webhookSeller(t);
    const b = await webhookSeller(t);
    const mine = await createEndpoint(t, a.key, 'https://a.example.com/hooks', ['order.paid']);
    const theirs = await createEndpoint(t, b.key, 'https://b.example.com/hooks', ['*']);

    expect((await t.data(ENDPOINTS, {}, a.key)).webhookEndpoints.map((e: any) => e.id)).toEqual([mine.id]);
    expect((await t.data('query ($id: ID!) { webhookEndpoint(id: $id) { id } }', { id: theirs.id }, a.key)).webhookEndpoint).toBeNull();
    expect((await t.data(UPDATE, { input: { id: theirs.id, active: false } }, a.key)).webhookEndpointUpdate.userErrors).toEqual([
      { field: ['input', 'id'], message: expect.any(String), code: 'NOT_FOUND' },
    ]);
    expect((await t.data(DELETE, { input: { id: theirs.id } }, a.key)).webhookEndpointDelete.userErrors[0].code).toBe('NOT_FOUND');
    expect((await t.data(ROTATE, { input: { id: theirs.id } }, a.key)).webhookEndpointSecretRotate.userErrors[0].code).toBe('NOT_FOUND');
    expect((await t.data(DELIVERIES, { endpointId: theirs.id }, a.key)).webhookDeliveries.nodes).toEqual([]);
    expect((await t.data(ENDPOINTS, {}, b.key)).webhookEndpoints).toEqual([expect.objectContaining({ id: theirs.id, active: true })]);

    const updated = await t.data(UPDATE, { input: { id: mine.id, url: 'https://a.example.com/v2', events: ['*'], active: false } }, a.key);
    expect(updated.webhookEndpointUpdate).toEqual({ endpoint: { id: mine.id, url: 'https://a.example.com/v2', events: ['*'], active: false }, userErrors: [] });
    expect((await t.data(UPDATE, { input: { id: mine.id, url: 'http://a.example.com/' } }, a.key)).webhookEndpointUpdate.userErrors[0].field).toEqual(['input', 'url']);
    expect((await t.data(ROTATE, { input: { id: mine.id, overlapHours: 500 } }, a.key)).webhookEndpointSecretRotate.userErrors[0].field).toEqual(['input', 'overlapHours']);
    expect((await t.data(DELETE, { input: { id: mine.id } }, a.key)).webhookEndpointDelete).toEqual({ deletedId: mine.id, userErrors: [] });
    expect((await t.data(ENDPOINTS, {}, a.key)).webhookEndpoints).toEqual([]);
  });

  it('pages the delivery log newest first with keyset cursors', async () => {
    const seller = await webhookSeller(t);
    const endpoint = await createEndpoint(t, seller.key, 'https://erp.example.com/zoco', ['*']);
    await logDeliveries(uuidOf(seller.id), 5);
    const first = (await t.data(DELIVERIES, { first: 2 }, seller.key)).webhookDeliveries;
    expect(first.nodes.map((d: any) => d.eventId)).toEqual(['5', '4']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await t.data(DELIVERIES, { first: 2, after: first.pageInfo.endCursor }, seller.key)).webhookDeliveries;
    expect(second.nodes.map((d: any) => d.eventId)).toEqual(['3', '2']);
    const last = (await t.data(DELIVERIES, { first: 2, after: second.pageInfo.endCursor }, seller.key)).webhookDeliveries;
    expect(last).toMatchObject({ nodes: [{ eventId: '1', endpointId: endpoint.id }], pageInfo: { hasNextPage: false } });
    expect((await t.data(DELIVERIES, { eventId: '3' }, seller.key)).webhookDeliveries.nodes).toHaveLength(1);
    expect((await t.request(DELIVERIES, { first: 101 }, seller.key)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('deletes endpoints and the delivery log on uninstall with purge', async () => {
    const seller = await webhookSeller(t);
    await createEndpoint(t, seller.key, 'https://erp.example.com/zoco', ['*']);
    await logDeliveries(uuidOf(seller.id), 2);
    const logged = async () => (await t.app.dataSource.query('SELECT count(*)::int AS n FROM webhooks_delivery WHERE seller_id = $1', [uuidOf(seller.id)]))[0].n;
    const uninstall = 'mutation ($purge: Boolean!) { pluginUninstall(input: { plugin: "webhooks", purge: $purge }) { purged userErrors { code } } }';
    await t.data(uninstall, { purge: false }, seller.key);
    await t.data(INSTALL, { input: { plugin: 'webhooks' } }, seller.key);
    expect((await t.data(ENDPOINTS, {}, seller.key)).webhookEndpoints).toHaveLength(1);
    expect(await logged()).toBe(2);
    await t.data(uninstall, { purge: true }, seller.key);
    expect(await logged()).toBe(0);
    await t.data(INSTALL, { input: { plugin: 'webhooks' } }, seller.key);
    expect((await t.data(ENDPOINTS, {}, seller.key)).webhookEndpoints).toEqual([]);
  });
});
