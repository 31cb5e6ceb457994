import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { parseManifest } from '../../src/server/trusted-documents';
import { insertCustomers } from '../helpers/customers';
import { createSeller } from '../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { wsClient, wsRequest } from '../helpers/ws-client';
import { REPORTED_COST } from '../helpers/graphql-client';

const PRODUCTS = 'query Products { products(first: 2) { nodes { title } } }';
const ME = 'query Me { viewer { id } }';
const FREE = '{ products(first: 100) { nodes { id title } } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let t: TestApp;
let customer: string;
let sellerKey: string;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'zoco-trusted-'));
  const manifest = path.join(dir, 'persisted-documents.json');
  await writeFile(manifest, JSON.stringify({ [sha256(PRODUCTS)]: PRODUCTS, [`sha256:${sha256(ME)}`]: ME }));
  t = await startTestApp({ trustedDocuments: manifest });
  customer = (await insertCustomers(t, 1))[0]!.token;
  sellerKey = (await createSeller(t)).key;
});
afterAll(() => t.stop());

/** A POST with any body, as a client of persisted documents sends it. */
async function post(body: Record<string, unknown>, token?: string) {
  const res = await fetch(t.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }) };
}
const code = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);

describe('trusted documents (ZOCO_TRUSTED_DOCUMENTS)', () => {
  it('runs a manifest document for a guest, sent as its text, its persistedQuery hash or its documentId', async () => {
    const ok = { status: 200, data: { products: { nodes: [] } }, extensions: REPORTED_COST };
    expect(await post({ query: PRODUCTS })).toEqual(ok);
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PRODUCTS) } } })).toEqual(ok);
    expect(await post({ documentId: `sha256:${sha256(PRODUCTS)}` })).toEqual(ok);
    expect(await post({ documentId: sha256(ME) })).toEqual({ status: 200, data: { viewer: null }, extensions: REPORTED_COST });
    const get = await fetch(`${t.app.url}?documentId=${sha256(PRODUCTS)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect({ status: get.status, ...((await get.json()) as object) }).toEqual(ok);
  });

  it('refuses a guest a free query with 403 FORBIDDEN, and an unknown hash with 404 PERSISTED_QUERY_NOT_FOUND', async () => {
    const free = await post({ query: FREE });
    expect({ status: free.status, codes: code(free), data: free.data }).toEqual({ status: 403, codes: ['FORBIDDEN'], data: undefined });
    expect(free.errors![0]!.message).toMatch(/runs only its trusted documents/);
    const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(FREE) } } });
    expect({ status: unknown.status, codes: code(unknown) }).toEqual({ status: 404, codes: ['PERSISTED_QUERY_NOT_FOUND'] });
    const malformed = await post({ documentId: 'not-a-hash' });
    expect({ status: malformed.status, codes: code(malformed) }).toEqual({ status: 404, codes: ['PERSISTED_QUERY_NOT_FOUND'] });
    // No document at all: Apollo's own answer, before any plugin.
    const empty = await post({});
    expect({ status: empty.status, codes: code(empty) }).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
  });

  it('refuses a known hash sent with another document', async () => {
    const res = await post({ query: FREE, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PRODUCTS) } } });
    expect({ status: res.status, codes: code(res) }).toEqual({ status: 403, codes: ['FORBIDDEN'] });
  });

  it('holds customers to the manifest too', async () => {
    expect(code(await post({ query: FREE }, customer))).toEqual(['FORBIDDEN']);
    const me = await post({ documentId: sha256(ME) }, customer);
    expect(me).toMatchObject({ status: 200, data: { viewer: { id: expect.any(String) } } });
  });

  it('leaves seller keys and the operator free queries', async () => {
    expect(await post({ query: FREE }, sellerKey)).toEqual({ status: 200, data: { products: { nodes: [] } }, extensions: REPORTED_COST });
    expect(await post({ query: '{ sellers(first: 5) { nodes { slug } } }' }, ADMIN_KEY)).toMatchObject({ status: 200, data: { sellers: { nodes: [expect.any(Object)] } } });
  });

  it('applies over graphql-ws: a guest gets FORBIDDEN for a free query and the data of a manifest document', async () => {
    const guest = wsClient(t.app.wsUrl);
    const seller = wsClient(t.app.wsUrl, sellerKey);
    try {
      expect(await wsRequest(guest, FREE)).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
      expect(await wsRequest(guest, PRODUCTS)).toEqual({ data: { products: { nodes: [] } }, extensions: REPORTED_COST });
      expect(await wsRequest(seller, FREE)).toEqual({ data: { products: { nodes: [] } }, extensions: REPORTED_COST });
    } finally {
      await guest.dispose();
      await seller.dispose();
    }
  });
});

describe('the manifest', () => {
  it('is read from ZOCO_TRUSTED_DOCUMENTS', () => {
    expect(loadConfig({ ZOCO_TRUSTED_DOCUMENTS: 'persisted-documents.json' }).trustedDocuments).toBe('persisted-documents.json');
    expect(loadConfig({}).trustedDocuments).toBeUndefined();
  });

  it("reads graphql-codegen's map and Apollo's persisted query manifest", () => {
    expect([...parseManifest({ [sha256(ME)]: ME }, 'm.json')]).toEqual([[sha256(ME), ME]]);
    const apollo = { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(ME), name: 'Me', type: 'query', body: ME }] };
    expect([...parseManifest(apollo, 'm.json')]).toEqual([[sha256(ME), ME]]);
  });

  it('stops the start when a hash is not the sha256 of its document, or the file holds none', async () => {
    expect(() => parseManifest({ [sha256(ME)]: PRODUCTS }, 'm.json')).toThrow(ConfigError);
    expect(() => parseManifest({ [sha256(ME)]: PRODUCTS }, 'm.json')).toThrow(/is not the sha256 of its document/);
    expect(() => parseManifest([], 'm.json')).toThrow(/no documents/);
    await expect(startTestApp({ trustedDocuments: path.join(tmpdir(), 'no-such-manifest.json') })).rejects.toThrow(/ZOCO_TRUSTED_DOCUMENTS: cannot read/);
  });
});
