import { describeInChromium, launchChromium, offlineContext, type Browser, type BrowserContext } from '../helpers/chromium';
import { startTestApp, type TestApp } from '../helpers/test-app';

describeInChromium('the query editor, offline, in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  const external: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium();
    context = await offlineContext(browser, external);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.stop();
  });

  it('opens from /graphql in the address bar and runs a query against the API', async () => {
    const page = await context.newPage();
    await page.goto(t.app.url, { waitUntil: 'load' });
    const send = page.locator('.send-request__button').first();
    await send.waitFor({ state: 'visible', timeout: 60_000 });
    // The editor first introspects the schema (ZOCO_INTROSPECTION is on outside production); then our query.
    const isOurs = (res: { url(): string; request(): { method(): string; postData(): string | null } }) =>
      res.url() === t.app.url && res.request().method() === 'POST' && (res.request().postData() ?? '').includes('products(first: 5)');
    const answered = page.waitForResponse(isOurs, { timeout: 60_000 });
    await send.click();
    const body = await answered;
    expect(await body.json()).toMatchObject({ data: { products: { nodes: expect.any(Array) } } });
    // The answer is shown, not only received.
    const shown = page.locator('.query-result-container').first();
    await shown.waitFor({ state: 'visible' });
    expect(await shown.textContent()).toContain('"products"');
    if (process.env['ZOCO_SCREENSHOTS']) await page.screenshot({ path: `${process.env['ZOCO_SCREENSHOTS']}/query-editor.png` });
  }, 120_000);

  it('reached nothing outside this machine', () => {
    expect(external).toEqual([]);
  });
});
