import { randomUUID } from 'node:crypto';
import { Resolver, Root, Subscription } from 'type-graphql';
import { defineModule } from '../../src/core/module';
import { idOf } from '../../src/core/global-id';
import { handlerLog, testBadge } from '../plugin-host/test-plugin';
import { createSeller } from '../helpers/fixtures';
import { capturedLog, type LogLine } from '../helpers/captured-log';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { subscribe, wsClient, wsRequest } from '../helpers/ws-client';

/** A subscription that stays open until the client ends it. */
@Resolver()
class PingResolver {
  @Subscription(() => String, { topics: 'metrics.ping' })
  ping(@Root() event: string): string {
    return event;
  }
}
const pingModule = defineModule({ name: 'metrics-ping', entities: [], resolvers: [PingResolver] });

const TOKEN = 'metrics-token-0123456789';

let t: TestApp;
let prod: TestApp;
let log: LogLine[];
beforeAll(async () => {
  const captured = capturedLog();
  log = captured.lines;
  t = await startTestApp({ logger: captured.logger, modules: [pingModule] });
  prod = await startTestApp(
    { env: 'production', metricsToken: TOKEN, throttle: { bucketSize: 5, restoreRate: 1 } },
    { sharing: t },
  );
});
afterAll(async () => {
  await prod.stop();
  await t.stop();
});

const scrape = async (app: TestApp = t, token?: string, path = '/metrics') =>
  fetch(new URL(path, app.app.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** The value of one series of the exposition text; undefined when absent. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const post = (body: Record<string, unknown>) =>
  fetch(t.app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('GET /metrics', () => {
  it('counts GraphQL operations over HTTP and WebSocket by name and outcome, errors by code, sockets and subscriptions', async () => {
    await t.data('query Hello { viewer { id } }');
    await t.data('query Hello { viewer { id } }');
    await t.request('mutation NotAllowed { productCreate(input: { title: "x" }) { product { id } } }');
    await post({ query: 'query Broken { nope }', operationName: 'Broken' });
    await t.data(`query ${'A'.repeat(65)} { viewer { id } }`);

    const client = wsClient(t.app.wsUrl, undefined, { lazy: false });
    try {
      expect(await wsRequest(client, 'query OverWs { viewer { id } }')).toMatchObject({ data: { viewer: null } });
      const live = subscribe(client, 'subscription Pings { ping }');
      const metric = async (series: string) => seriesValue(await (await scrape()).text(), series);
      await until(async () => (await metric('zoco_websocket_subscriptions')) === 1, 'the subscription to count');

      const res = await scrape();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const count = (labels: string) => seriesValue(text, `zoco_graphql_request_duration_seconds_count{${labels}}`);
      expect(count('operation="Hello",outcome="ok",transport="http"')).toBe(2);
      // Refused by the operation gate before any field ran (server/operation-access.ts).
      expect(count('operation="NotAllowed",outcome="refused",transport="http"')).toBe(1);
      // Not executed; a name no parsed document carried is not admitted as a label.
      expect(count('operation="other",outcome="refused",transport="http"')).toBe(1);
      expect(count('operation="other",outcome="ok",transport="http"')).toBe(1);
      expect(count('operation="OverWs",outcome="ok",transport="ws"')).toBe(1);
      expect(count('operation="Pings",outcome="ok",transport="ws"')).toBe(1);
      expect(text).not.toContain('AAAA');
      expect(seriesValue(text, 'zoco_graphql_request_duration_seconds_sum{operation="Hello",outcome="ok",transport="http"}')).toBeGreaterThan(0);
      expect(seriesValue(text, 'zoco_graphql_request_duration_seconds_sum{operation="Hello",outcome="ok",transport="http"}')).toBeLessThan(10);
      expect(seriesValue(text, 'zoco_graphql_errors_total{code="UNAUTHENTICATED"}')).toBe(1);
      expect(seriesValue(text, 'zoco_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
      expect(seriesValue(text, 'zoco_websocket_connections')).toBe(1);
      expect(seriesValue(text, 'zoco_websocket_subscriptions')).toBe(1);
      expect(seriesValue(text, 'zoco_db_pool_connections')).toBeGreaterThan(0);
      expect(seriesValue(text, 'zoco_db_pool_waiting_requests')).toBe(0);
      expect(seriesValue(text, 'zoco_process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(seriesValue(text, `zoco_process_info{pid="${process.pid}"}`)).toBe(1);

      live.stop();
      await until(async () => (await metric('zoco_websocket_subscriptions')) === 0, 'the subscription to end');
    } finally {
      await client.dispose();
    }
    await until(async () => seriesValue(await (await scrape()).text(), 'zoco_websocket_connections') === 0, 'the socket to close');
  });

  it('reports the outbox lag and the events waiting for a retry or parked', async () => {
    const initial = await (await scrape()).text();
    expect(seriesValue(initial, 'zoco_outbox_parked_events')).toBe(0);
    // Not due before ~8 minutes (backoff 2^9 s): the dispatcher leaves them alone while we look.
    await t.app.dataSource.query(
      `INSERT INTO outbox (type, payload, created_at, attempts) VALUES
         ('metrics.test', '{}', now() - interval '60 seconds', 9), ('metrics.test', '{}', now() - interval '2 hours', 10)`,
    );
    try {
      const text = await (await scrape()).text();
      expect(seriesValue(text, 'zoco_outbox_lag_seconds')).toBeGreaterThanOrEqual(60);
      expect(seriesValue(text, 'zoco_outbox_lag_seconds')).toBeLessThan(3600);
      expect(seriesValue(text, 'zoco_outbox_retrying_events')).toBe(1);
      expect(seriesValue(text, 'zoco_outbox_parked_events')).toBe(1);
    } finally {
      await t.app.dataSource.query(`DELETE FROM outbox WHERE type = 'metrics.test'`);
    }
  });

  it('in production answers only with ZOCO_METRICS_TOKEN as a bearer token, else 404', async () => {
    expect((await scrape(prod)).status).toBe(404);
    expect((await scrape(prod, 'metrics-token-wrong-0123')).status).toBe(404);
    const res = await scrape(prod, TOKEN);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('zoco_graphql_request_duration_seconds');
    // The process's own figures (serve-workers.test.ts: the cluster's and a child's differ), behind the same token.
    expect((await scrape(prod, undefined, '/metrics/process')).status).toBe(404);
    const own = await scrape(prod, TOKEN, '/metrics/process');
    expect(own.status).toBe(200);
    expect(await own.text()).toMatch(new RegExp(`^zoco_process_info\\{pid="${process.pid}"\\} 1$`, 'm'));
  });

  it('counts throttle refusals', async () => {
    const refused = await prod.request('{ a: viewer { id } b: viewer { id } c: viewer { id } d: viewer { id } e: viewer { id } f: viewer { id } }');
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
    const text = await (await scrape(prod, TOKEN)).text();
    expect(seriesValue(text, 'zoco_throttle_refusals_total{code="QUERY_TOO_COMPLEX"}')).toBe(1);
    expect(seriesValue(text, 'zoco_graphql_request_duration_seconds_count{operation="anonymous",outcome="refused",transport="http"}')).toBe(1);
  });
});

describe('touchpoint events', () => {
  it('are counted by source once stored, resends not counted again', async () => {
    const { visitorCreate } = await t.data('mutation { visitorCreate { visitorId } }');
    const track = () =>
      t.data(
        'mutation ($input: EventsTrackInput!) { eventsTrack(input: $input) { accepted duplicates userErrors { code } } }',
        { input: { visitorId: visitorCreate.visitorId, events: [{ id: 'e-1', type: 'SEARCH_PERFORMED', channel: 'WEB', occurredAt: new Date().toISOString(), searchText: 'camisa' }] } },
      );
    expect((await track()).eventsTrack).toEqual({ accepted: 1, duplicates: 0, userErrors: [] });
    expect((await track()).eventsTrack).toEqual({ accepted: 0, duplicates: 1, userErrors: [] });
    const text = await (await scrape()).text();
    expect(seriesValue(text, 'zoco_touchpoint_events_ingested_total{source="client"}')).toBe(1);
  });
});

describe('the log of requests outside /graphql', () => {
  it('writes one line per health, metrics or PDF request: method, path without query, status, time, request id', async () => {
    log.length = 0;
    await fetch(new URL('/healthz?probe=1', t.app.url), { headers: { 'x-request-id': 'req-health-1' } });
    await fetch(new URL('/invoices/nope.pdf', t.app.url), { headers: { 'x-request-id': 'req-pdf-1' } });
    await (await fetch(new URL('/metrics', t.app.url), { headers: { 'x-request-id': 'req-metrics-1' } })).text();
    await t.data('{ viewer { id } }');
    await until(() => log.filter((l) => l.msg === 'http').length >= 3, 'the log lines');
    const lines = log.filter((l) => l.msg === 'http');
    const line = (path: string, status: number, reqId: string) => ({ level: 30, time: expect.any(Number), msg: 'http', method: 'GET', path, status, ms: expect.any(Number), reqId });
    // The GraphQL request has its own line ('graphql', per operation), not this one.
    expect(lines).toEqual([line('/healthz', 200, 'req-health-1'), line('/invoices/nope.pdf', 401, 'req-pdf-1'), line('/metrics', 200, 'req-metrics-1')]);
  });
});

describe('plugin deliveries', () => {
  let p: TestApp;
  beforeAll(async () => {
    p = await startTestApp({ plugins: [testBadge], migrateOnStart: true, eventPollIntervalMs: 50, pluginRetryBaseMs: 50 });
  });
  afterAll(() => p.stop());

  it('are counted by plugin and outcome', async () => {
    const seller = await createSeller(p);
    const install = await p.data(
      'mutation ($input: PluginInstallInput!) { pluginInstall(input: $input) { userErrors { code } } }',
      { input: { plugin: 'test-badge', config: { badge: 'Hecho a mano' } } },
      seller.key,
    );
    expect(install.pluginInstall.userErrors).toEqual([]);
    handlerLog.failuresLeft = 1;
    const before = handlerLog.events.length;
    // The event as checkout commits it (every module's hooks read it before the plugins get it), for an order of this seller.
    const paid = { orderId: randomUUID(), sellerId: idOf(seller.id, 'Seller'), customerId: randomUUID(), total: 0, currency: 'EUR' };
    await p.app.dataSource.query(`INSERT INTO outbox (type, payload) VALUES ('order.paid', $1)`, [paid]);
    p.app.services.events.kick();
    await until(() => handlerLog.events.length > before, 'the retry to succeed');
    const text = await (await scrape(p)).text();
    expect(seriesValue(text, 'zoco_plugin_deliveries_total{plugin="test-badge",outcome="failed"}')).toBe(1);
    expect(seriesValue(text, 'zoco_plugin_deliveries_total{plugin="test-badge",outcome="ok"}')).toBe(1);
  });
});
