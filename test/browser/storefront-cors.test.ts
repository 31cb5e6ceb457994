import { randomUUID } from 'node:crypto';
import { insertCustomers, type TestCustomer } from '../helpers/customers';
import { describeInChromium, launchChromium, offlineContext, servePage, type Browser, type BrowserContext } from '../helpers/chromium';
import { startTestApp, type TestApp } from '../helpers/test-app';

const PAGE = '<!doctype html><title>storefront</title><p>shop</p>';

/** What a storefront's script does: a credentialed JSON POST with a bearer token and the guest's visitor id. */
async function callFromPage(page: Awaited<ReturnType<BrowserContext['newPage']>>, url: string, token: string, visitorId: string) {
  return page.evaluate(
    async ({ url, token, visitorId }) => {
      try {
        const res = await fetch(url, {
          method: 'POST',
          credentials: 'include',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-visitor-id': visitorId },
          body: JSON.stringify({ query: 'query Me { viewer { id email } }' }),
        });
        return { status: res.status, body: await res.json(), requestId: res.headers.get('x-request-id') };
      } catch (err) {
        return { blocked: String((err as Error).name) };
      }
    },
    { url, token, visitorId },
  );
}

describeInChromium('a storefront on another origin, in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let shop: Awaited<ReturnType<typeof servePage>>;
  let stranger: Awaited<ReturnType<typeof servePage>>;
  let buyer: TestCustomer;
  const external: string[] = [];

  beforeAll(async () => {
    shop = await servePage(PAGE);
    stranger = await servePage(PAGE);
    t = await startTestApp({ corsOrigins: [shop.origin] });
    [buyer] = await insertCustomers(t, 1);
    browser = await launchChromium();
    context = await offlineContext(browser, external);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.stop();
    await shop?.close();
    await stranger?.close();
  });

  it('lets a listed origin call /graphql with credentials, a bearer token and the visitor id, and read the answer', async () => {
    const page = await context.newPage();
    await page.goto(shop.origin);
    const answer = await callFromPage(page, t.app.url, buyer!.token, randomUUID());
    expect(answer).toEqual({
      status: 200,
      body: expect.objectContaining({ data: { viewer: { id: expect.any(String), email: `${buyer!.id}@example.com` } } }),
      // An exposed header: the page can quote it in a bug report.
      requestId: expect.stringMatching(/.+/),
    });
    expect(t.app.url.startsWith(shop.origin)).toBe(false);
  });

  it('keeps the answer from a page on an origin that is not listed (the preflight fails)', async () => {
    const page = await context.newPage();
    await page.goto(stranger.origin);
    expect(await callFromPage(page, t.app.url, buyer!.token, randomUUID())).toEqual({ blocked: 'TypeError' });
  });

  it('reached nothing outside this machine', () => {
    expect(external).toEqual([]);
  });
});
