// Issue 9: webhook URLs were checked as text only. These are the findings as regressions. The machine has
// no outside network and tests must never send traffic outside 127.0.0.0/8: names resolve through an
// injected resolver whose answers are all loopback forms, and every socket is watched (see `connects`).
import { createServer as createTcpServer, isIP, Socket, type AddressInfo, type Server } from 'node:net';
import { startPluginTestApp, until, type PluginTestApp, type TestCustomer } from 'zoco/plugin/testing';
import { webhooksPlugin, type Resolver } from '../index';
import { addressRefusal } from '../webhook-address';
import { postWebhook, type WebhookEgress } from '../webhook-request';
import { startReceiver, type Receiver } from './receiver';
import { CREATE, DELIVERIES, buy, createEndpoint, webhookSeller } from './webhook-fixtures';

/** The test's DNS: what these names resolve to where the findings were made. */
const DNS: Record<string, string[]> = {
  'localhost.': ['127.0.0.1'],
  localhost: ['127.0.0.1'],
  '127.0.0.1.nip.io': ['127.0.0.1'],
  'rebind.example.com': ['127.0.0.1'],
  'mixed.example.com': ['127.0.0.2', '::1'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'hooks.example.com': ['127.0.0.1'],
};
const lookups: string[] = [];
const resolve: Resolver = async (hostname) => {
  lookups.push(hostname);
  const found = DNS[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: isIP(address) }));
};

const PUBLIC_ONLY: WebhookEgress = { allowPrivateAddresses: false, resolve };
const PRIVATE_OK: WebhookEgress = { allowPrivateAddresses: true, resolve };

/** Every IP literal a socket was asked to connect to; one outside loopback fails the test before it leaves. */
const connects: string[] = [];
const realConnect = Socket.prototype.connect;
const isLoopback = (host: string) => host.startsWith('127.') || host === '::1' || host === 'localhost';
// Socket.prototype is the process's own: the spy is restored in afterAll, before the next test file.
const guard = jest.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket, ...args: any[]) {
  // net.connect passes its normalized arguments as one array: [options, listener].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host = typeof first === 'object' && first !== null ? String(first.host ?? 'localhost') : String(args[1] ?? 'localhost');
  connects.push(host);
  if (isIP(host) && !isLoopback(host)) throw new Error(`test tried to connect to ${host}`);
  return (realConnect as (...a: any[]) => Socket).apply(this, args);
});

/** A TCP port that counts connections and answers none: proof that a refused delivery never connected. */
async function countingPort(): Promise<{ port: number; connections: () => number; server: Server }> {
  let count = 0;
  const server = createTcpServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, connections: () => count, server };
}

let publicOnly: PluginTestApp;
let privateOk: PluginTestApp;
let receiver: Receiver;
let trap: Awaited<ReturnType<typeof countingPort>>;
let buyer: TestCustomer;
beforeAll(async () => {
  const options = { migrateOnStart: true, eventPollIntervalMs: 50, pluginRetryBaseMs: 50 };
  [publicOnly, privateOk] = await Promise.all([
    startPluginTestApp({ ...options, plugins: [webhooksPlugin({ resolve })] }),
    startPluginTestApp({ ...options, plugins: [webhooksPlugin({ allowPrivateAddresses: true, resolve })] }),
  ]);
  receiver = await startReceiver();
  trap = await countingPort();
  [buyer] = (await publicOnly.customers(1)) as [TestCustomer];
});
afterAll(async () => {
  guard.mockRestore();
  await receiver.close();
  await new Promise((r) => trap.server.close(r));
  await Promise.all([publicOnly.stop(), privateOk.stop()]);
});

const post = (url: string, egress: WebhookEgress) => postWebhook(url, '{"id":"1"}', {}, { timeoutMs: 2000, egress });
const portOf = (url: string) => new URL(url).port;

describe('webhook addresses', () => {
  it('refuses, at creation, URLs whose host is a private, loopback, link-local or local form', async () => {
    const seller = await webhookSeller(publicOnly);
    const urls = [
      'https://localhost./hooks',
      'https://metadata/computeMetadata/v1/',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://[::ffff:a9fe:a9fe]/latest/meta-data/',
      'https://[::1]/hooks',
      'https://[fe80::1]/hooks',
      'https://[fd00::1]/hooks',
      'https://[64:ff9b::a9fe:a9fe]/latest/meta-data/',
      'https://2130706433/hooks',
      'https://0177.0.0.1/hooks',
      'https://0x7f.1/hooks',
      'https://0/hooks',
      'https://100.64.0.1/hooks',
      'https://192.0.2.1/hooks',
      'https://255.255.255.255/hooks',
      'http://127.0.0.1:4000/hooks',
    ];
    for (const url of urls) {
      const res = await publicOnly.data(CREATE, { input: { url, events: ['*'] } }, seller.key);
      expect([url, res.webhookEndpointCreate.userErrors]).toEqual([url, [{ field: ['input', 'url'], message: expect.stringMatching(/public|https/), code: 'INVALID' }]]);
    }
    const decimal = await publicOnly.data(CREATE, { input: { url: 'https://2130706433/hooks', events: ['*'] } }, seller.key);
    expect(decimal.webhookEndpointCreate.userErrors[0].message).toBe('url must point at a public address: 127.0.0.1 is a loopback address (127.0.0.0/8).');
  });

  it('refuses a delivery to a name that resolves to 127.0.0.1 (nip.io, DNS rebinding): no connection, no body, an error naming why', async () => {
    const seller = await webhookSeller(publicOnly, { maxAttempts: 1 });
    // The text of the URL is public; only the address its name resolves to at delivery is not.
    const url = `https://127.0.0.1.nip.io:${trap.port}/hooks`;
    const endpoint = await createEndpoint(publicOnly, seller.key, url, ['order.paid']);
    await buy(publicOnly, buyer, seller.listingId);
    await until(async () => (await publicOnly.data(DELIVERIES, { endpointId: endpoint.id }, seller.key)).webhookDeliveries.nodes.length > 0, 'the attempt');
    const [entry] = (await publicOnly.data(DELIVERIES, { endpointId: endpoint.id }, seller.key)).webhookDeliveries.nodes;
    expect(entry).toMatchObject({
      status: 'FAILED',
      responseStatus: null,
      responseBody: null,
      error: 'refused: 127.0.0.1.nip.io resolves to a loopback address (127.0.0.0/8); webhooks are sent only to public addresses',
      durationMs: expect.any(Number),
    });
    expect(trap.connections()).toBe(0);
    expect(lookups).toContain('127.0.0.1.nip.io');
  });

  it('checks the addresses the connection itself resolves: one lookup per attempt, every answer checked', async () => {
    for (const host of ['rebind.example.com', 'localhost.', 'mixed.example.com', 'mapped.example.com']) {
      const before = lookups.length;
      const res = await post(`http://${host}:${trap.port}/hooks`, PUBLIC_ONLY);
      expect(res).toMatchObject({ ok: false, status: null, body: null, error: expect.stringMatching(new RegExp(`^refused: ${host.replace(/\./g, '\\.')} resolves to an? `)) });
      expect(lookups.slice(before)).toEqual([host]);
    }
    expect((await post(`http://mapped.example.com:${trap.port}/`, PRIVATE_OK)).error).toMatch(/IPv4-mapped/);
    expect(trap.connections()).toBe(0);
  });

  it('refuses IP literals in every spelling before connecting, even where private addresses are allowed', async () => {
    const cases: [string, WebhookEgress, RegExp][] = [
      [`http://2130706433:${trap.port}/`, PUBLIC_ONLY, /^refused: 127\.0\.0\.1 is a loopback address/],
      [`http://0177.0.0.1:${trap.port}/`, PUBLIC_ONLY, /^refused: 127\.0\.0\.1 is a loopback address/],
      [`http://[::1]:${trap.port}/`, PUBLIC_ONLY, /^refused: ::1 is a loopback address/],
      [`http://[::ffff:127.0.0.1]:${trap.port}/`, PRIVATE_OK, /^refused: ::ffff:7f00:1 is an IPv4-mapped address/],
      [`http://[::127.0.0.1]:${trap.port}/`, PRIVATE_OK, /^refused: ::7f00:1 is an IPv4-compatible address/],
      [`http://[64:ff9b::7f00:1]:${trap.port}/`, PRIVATE_OK, /^refused: 64:ff9b::7f00:1 is the NAT64 form of a loopback address/],
      ['http://169.254.169.254/latest/meta-data/', PRIVATE_OK, /^refused: 169\.254\.169\.254 is a link-local address \(cloud metadata lives there\)/],
      ['http://[fe80::a9fe:a9fe]/', PRIVATE_OK, /^refused: fe80::a9fe:a9fe is a link-local address/],
    ];
    for (const [url, egress, error] of cases) {
      expect([url, await post(url, egress)]).toEqual([url, { ok: false, status: null, body: null, error: expect.stringMatching(error), durationMs: expect.any(Number) }]);
    }
    expect(trap.connections()).toBe(0);
    expect(connects.filter((host) => !isLoopback(host) && isIP(host))).toEqual([]);
  });

  it('does not follow a redirect to the metadata service, and logs the redirect as a failure', async () => {
    const seller = await webhookSeller(privateOk, { maxAttempts: 1 });
    receiver.redirect('/moved', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/');
    const endpoint = await createEndpoint(privateOk, seller.key, receiver.url('/moved'), ['order.paid']);
    const [customer] = (await privateOk.customers(1)) as [TestCustomer];
    await buy(privateOk, customer, seller.listingId);
    await until(async () => (await privateOk.data(DELIVERIES, { endpointId: endpoint.id }, seller.key)).webhookDeliveries.nodes.length > 0, 'the attempt');
    const [entry] = (await privateOk.data(DELIVERIES, { endpointId: endpoint.id }, seller.key)).webhookDeliveries.nodes;
    expect(entry).toMatchObject({ status: 'FAILED', responseStatus: 302, error: 'HTTP 302 (redirects are not followed)' });
    expect(receiver.calls('/moved')).toHaveLength(1);
    expect(connects).not.toContain('169.254.169.254');
  });

  it('still delivers to a local receiver where the deployment allows private addresses, body included', async () => {
    const seller = await webhookSeller(privateOk, { maxAttempts: 1 });
    const endpoint = await createEndpoint(privateOk, seller.key, `http://localhost:${portOf(receiver.url('/'))}/allowed`, ['order.paid']);
    const [customer] = (await privateOk.customers(1)) as [TestCustomer];
    await buy(privateOk, customer, seller.listingId);
    await until(() => receiver.calls('/allowed').length > 0, 'the delivery');
    await until(async () => (await privateOk.data(DELIVERIES, { endpointId: endpoint.id }, seller.key)).webhookDeliveries.nodes.length > 0, 'the log');
    const [entry] = (await privateOk.data(DELIVERIES, { endpointId: endpoint.id }, seller.key)).webhookDeliveries.nodes;
    expect(entry).toMatchObject({ status: 'SUCCEEDED', responseStatus: 200, responseBody: '{"received":true}', error: null });
    // A name goes where the checked lookup said, and nowhere else.
    const named = await post(`http://hooks.example.com:${portOf(receiver.url('/'))}/named`, PRIVATE_OK);
    expect(named).toMatchObject({ ok: true, status: 200, body: '{"received":true}', error: null });
    expect(receiver.calls('/named')).toHaveLength(1);
    expect(connects).toContain('hooks.example.com');
  });
});

describe('the address policy', () => {
  const refused = (address: string, allowPrivateAddresses = false) => addressRefusal(address, { allowPrivateAddresses });

  it('refuses special-purpose IPv4 ranges and passes public unicast', () => {
    const expected: [string, RegExp][] = [
      ['0.0.0.0', /this network/],
      ['10.255.0.1', /private/],
      ['100.64.0.1', /carrier-grade NAT/],
      ['100.127.255.255', /carrier-grade NAT/],
      ['127.0.0.1', /loopback/],
      ['127.255.255.254', /loopback/],
      ['169.254.169.254', /link-local/],
      ['172.16.0.1', /private/],
      ['172.31.255.255', /private/],
      ['192.0.0.170', /IETF/],
      ['192.0.2.1', /documentation/],
      ['192.168.1.1', /private/],
      ['198.18.0.1', /benchmarking/],
      ['198.51.100.7', /documentation/],
      ['203.0.113.9', /documentation/],
      ['224.0.0.251', /multicast/],
      ['239.255.255.250', /multicast/],
      ['240.0.0.1', /reserved/],
      ['255.255.255.255', /broadcast/],
    ];
    for (const [address, why] of expected) expect([address, refused(address)]).toEqual([address, expect.stringMatching(why)]);
    for (const address of ['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.128.0.1', '169.255.0.1', '223.255.255.255']) {
      expect([address, refused(address)]).toEqual([address, null]);
    }
  });

  it('refuses special-purpose IPv6 ranges, mapped, compatible and NAT64 forms of refused IPv4, and passes global unicast', () => {
    const expected: [string, RegExp][] = [
      ['::', /unspecified/],
      ['::1', /loopback/],
      ['::ffff:127.0.0.1', /IPv4-mapped/],
      ['::ffff:8.8.8.8', /IPv4-mapped/],
      ['::127.0.0.1', /IPv4-compatible/],
      ['64:ff9b::127.0.0.1', /NAT64 form of a loopback/],
      ['64:ff9b::a9fe:a9fe', /NAT64 form of a link-local/],
      ['64:ff9b::10.1.2.3', /NAT64 form of a private/],
      ['64:ff9b:1::1', /local-use NAT64/],
      ['100::1', /discard-only/],
      ['2001::1', /IETF/],
      ['2001:db8::1', /documentation/],
      ['2002:7f00:1::1', /6to4/],
      ['3fff::1', /documentation/],
      ['fc00::1', /unique local/],
      ['fd12:3456::1', /unique local/],
      ['fe80::1', /link-local/],
      ['febf::1', /link-local/],
      ['fec0::1', /site-local/],
      ['ff02::1', /multicast/],
      ['1::1', /reserved/],
      ['4000::1', /reserved/],
    ];
    for (const [address, why] of expected) expect([address, refused(address)]).toEqual([address, expect.stringMatching(why)]);
    for (const address of ['2a00:1450:4001:80b::200e', '2606:4700::1111', '64:ff9b::808:808']) expect([address, refused(address)]).toEqual([address, null]);
  });

  it('opens only private, loopback, carrier-grade NAT and unique local networks where the deployment allows private addresses', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.0.1', '100.64.0.1', '::1', 'fd00::1']) expect([address, refused(address, true)]).toEqual([address, null]);
    for (const address of ['169.254.169.254', 'fe80::1', '::ffff:127.0.0.1', '64:ff9b::7f00:1', '0.0.0.0', '224.0.0.1', '::']) {
      expect([address, refused(address, true)]).toEqual([address, expect.any(String)]);
    }
  });
});
