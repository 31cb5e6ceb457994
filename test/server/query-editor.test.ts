import { startTestApp, type TestApp } from '../helpers/test-app';

let dev: TestApp;
let prod: TestApp;
beforeAll(async () => {
  dev = await startTestApp({ env: 'development' });
  prod = await startTestApp({ env: 'production' }, { sharing: dev });
});
afterAll(async () => {
  await prod.stop();
  await dev.stop();
});

const base = (t: TestApp) => t.app.url.replace(/\/graphql$/, '');
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the query editor (altair-static, served by the API)', () => {
  it('sends a browser that opens /graphql to the editor, whose page and assets come from this server', async () => {
    const res = await fetch(dev.app.url, { headers: html, redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/editor/');
    const page = await fetch(`${base(dev)}/editor/`);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('AltairGraphQL.init(');
    expect(text).toContain('<base href="/editor/">');
    // Every script and style of the page is relative (served here), none from a CDN.
    const refs = [...text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(3);
    expect(refs.filter((r) => /^(https?:)?\/\//.test(r))).toEqual([]);
    for (const ref of ['main.js', 'styles.css', 'polyfills.js']) {
      const asset = await fetch(`${base(dev)}/editor/${ref}`);
      expect([ref, asset.status]).toEqual([ref, 200]);
      expect(asset.headers.get('content-type')).toMatch(ref.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      await asset.arrayBuffer();
    }
  });

  it('leaves GraphQL over GET alone: a GET with a query, or one asking for JSON, is an operation', async () => {
    const withQuery = await fetch(`${dev.app.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { ...html, 'apollo-require-preflight': 'true' }, redirect: 'manual' });
    expect(withQuery.status).toBe(200);
    expect(await withQuery.json()).toMatchObject({ data: { __typename: 'Query' } });
    const asJson = await fetch(dev.app.url, { headers: { accept: 'application/json' }, redirect: 'manual' });
    expect(asJson.status).toBe(400);
    expect(asJson.headers.get('content-type')).toMatch(/json/);
  });

  it('serves nothing outside its folder, whatever the spelling of the path', async () => {
    for (const path of ['/editor/../package.json', '/editor/%2e%2e/package.json', '/editor/%2e%2e%2f%2e%2e%2fpackage.json', '/editor/%E0%A4%A', '/editor/nope.js']) {
      const res = await fetch(`${base(dev)}${path}`);
      expect([path, res.status]).toEqual([path, expect.any(Number)]);
      expect(res.status === 404 || res.status === 400).toBe(true);
      expect(await res.text()).not.toContain('"dependencies"');
    }
    expect((await fetch(`${base(dev)}/editor/`, { method: 'POST' })).status).toBe(405);
  });

  it('is off in production unless ZOCO_QUERY_EDITOR says otherwise, and Apollo’s CDN landing page is never served', async () => {
    expect((await fetch(`${base(prod)}/editor/`)).status).toBe(404);
    const res = await fetch(prod.app.url, { headers: html, redirect: 'manual' });
    expect(res.status).not.toBe(302);
    expect(await res.text()).not.toMatch(/apollo-server-landing-page|embeddable-sandbox|cdn\./);
  });
});
