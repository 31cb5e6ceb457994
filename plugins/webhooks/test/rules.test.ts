import { invalidEndpointUrl } from '../webhook-url';
import { isEventPattern, knownEventTypes, subscribes, unknownEventPatterns, webhookData } from '../webhook-events';

const PRIVATE_OK = { allowPrivateAddresses: true };
const PUBLIC_ONLY = { allowPrivateAddresses: false };

describe('endpoint URLs', () => {
  it('allows plain http only to this machine, and only where the deployment allows private addresses', () => {
    for (const url of ['http://127.0.0.1:4000/hooks', 'http://localhost/hooks', 'http://[::1]:8080/']) {
      expect(invalidEndpointUrl(url, PRIVATE_OK)).toBeNull();
      expect(invalidEndpointUrl(url, PUBLIC_ONLY)).toMatch(/must use https/);
    }
    expect(invalidEndpointUrl('http://erp.example.com/', PRIVATE_OK)).toMatch(/https/);
  });

  it('refuses private, link-local and local names by default', () => {
    for (const host of ['10.1.2.3', '172.20.0.1', '192.168.1.10', '169.254.169.254', '127.0.0.2', '[fd00::1]', '[::ffff:10.0.0.1]', 'db.internal']) {
      expect(invalidEndpointUrl(`https://${host}/hooks`, PUBLIC_ONLY)).toMatch(/public address/);
    }
    for (const host of ['erp.example.com', '8.8.8.8', '172.32.0.1', '[2a00:1450:4001:80b::200e]']) {
      expect(invalidEndpointUrl(`https://${host}/hooks`, PUBLIC_ONLY)).toBeNull();
    }
  });
});

describe('event patterns', () => {
  it('matches exact types, prefixes and *', () => {
    expect(subscribes(['order.*'], 'order.paid')).toBe(true);
    expect(subscribes(['order.*'], 'orders.paid')).toBe(false);
    expect(subscribes(['co-creation.threshold-reached'], 'co-creation.threshold-reached')).toBe(true);
    expect(subscribes(['*'], 'invoice.issued')).toBe(true);
    expect(subscribes(['order.paid'], 'order.placed')).toBe(false);
    expect(['*', 'order.*', 'order.paid', 'co-creation.threshold-reached'].every(isEventPattern)).toBe(true);
    expect(['', 'Order.paid', 'order.', '*.paid', 'order paid'].some(isEventPattern)).toBe(false);
  });

  it("knows the core's seller events and the plugins' declared ones; a prefix must match one", () => {
    const known = knownEventTypes([{ name: 'co-creation', emits: ['proposal.approved'] }, { name: 'quiet' }]);
    expect(known).toContain('order.paid');
    expect(known).toContain('co-creation.proposal.approved');
    expect(known).not.toContain('cart.updated'); // no seller: never reaches a seller's plugins
    expect(unknownEventPatterns(['*', 'order.*', 'co-creation.*', 'co-creation.proposal.*', 'invoice.issued'], known)).toEqual([]);
    expect(unknownEventPatterns(['order.payed', 'quiet.*', 'cart.updated', 'co-creation.threshold-reached', 'ord.*'], known)).toEqual([
      'order.payed',
      'quiet.*',
      'cart.updated',
      'co-creation.threshold-reached',
      'ord.*',
    ]);
  });
});

describe('webhook data', () => {
  it('sends API global IDs and withholds ids that identify a buyer across sellers', () => {
    const uuid = '6f1c2a8e-1b1e-4c59-9d2a-3c1f0e5b7a10';
    expect(webhookData({ orderId: uuid, customerId: uuid, checkoutId: uuid, total: 1999, currency: 'EUR' })).toEqual({
      orderId: Buffer.from(`Order:${uuid}`).toString('base64url'),
      total: 1999,
      currency: 'EUR',
    });
  });
});
