import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { statementCount } from '../../../src/db/data-source';
import { createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';

let t: TestApp;
let seller: TestSeller;
const titles: Record<string, string> = {};

const SEARCH = `query ($query: String!, $first: Int, $filter: SearchFilter) {
  search(query: $query, first: $first, filter: $filter) { totalCount correctedQuery nodes { id title language } }
}`;

async function search(query: string, filter?: object) {
  return (await t.data(SEARCH, { query, first: 50, filter })).search as {
    totalCount: number;
    correctedQuery: string | null;
    nodes: { id: string; title: string; language: string }[];
  };
}
const titlesFound = async (query: string) => (await search(query)).nodes.map((n) => n.title);

async function sell(title: string, language: 'ES' | 'EN', s: TestSeller = seller, input: object = {}) {
  const p = await createProduct(t, s.key, { title, language, ...input });
  await createListing(t, s.key, p.variantIds[0]!);
  titles[title] = p.id;
  return p;
}

beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
  await sell('Zapato de cuero marrón', 'ES');
  await sell('Morning run shorts', 'EN');
  await sell('Camión volquete', 'ES');
  await sell('Cancion infantil', 'ES');
  await sell('Bicicleta plegable', 'ES');
  await sell('Wireless headphones', 'EN');
  await sell('Taza grande', 'ES');
  await sell('Ventilador silencioso', 'ES');
});
afterAll(() => t.stop());

describe('search: languages and accents', () => {
  it('stems Spanish products in Spanish: "zapatos" finds "zapato"', async () => {
    expect(await titlesFound('zapatos')).toEqual(['Zapato de cuero marrón']);
    expect(await titlesFound('ZAPATOS de CUERO')).toEqual(['Zapato de cuero marrón']);
  });

  it('stems English products in English: "running" finds "run"', async () => {
    expect(await titlesFound('running')).toEqual(['Morning run shorts']);
  });

  it('reports each product in its language', async () => {
    const { nodes } = await search('zapato');
    expect(nodes.map((n) => n.language)).toEqual(['ES']);
  });

  it('ignores accents both ways', async () => {
    expect(await titlesFound('camion')).toEqual(['Camión volquete']);
    expect(await titlesFound('canción')).toEqual(['Cancion infantil']);
    expect(await titlesFound('marron zapato')).toEqual(['Zapato de cuero marrón']);
  });

  it('matches the last word as a prefix while it is typed', async () => {
    expect(await titlesFound('bicicleta pleg')).toEqual(['Bicicleta plegable']);
    expect(await titlesFound('headph')).toEqual(['Wireless headphones']);
  });

  it('requires every word', async () => {
    expect(await titlesFound('camion bicicleta')).toEqual([]);
  });
});

describe('search: typos', () => {
  it('corrects one typo from 5 letters', async () => {
    const r = await search('ventiladro silencioso');
    expect(r.correctedQuery).toBe('ventilador silencioso');
    expect(r.nodes.map((n) => n.title)).toEqual(['Ventilador silencioso']);
    expect((await search('plegabel')).nodes.map((n) => n.title)).toEqual(['Bicicleta plegable']);
  });

  it('corrects two typos from 9 letters', async () => {
    const r = await search('bisicletta');
    expect(r.correctedQuery).toBe('bicicleta');
    expect(r.nodes.map((n) => n.title)).toEqual(['Bicicleta plegable']);
    expect((await search('wireles headphnoes')).nodes.map((n) => n.title)).toEqual(['Wireless headphones']);
  });

  it('does not allow two typos below 9 letters, nor any below 5', async () => {
    expect(await search('plgeabel')).toEqual({ totalCount: 0, correctedQuery: null, nodes: [] });
    expect(await search('tasa')).toEqual({ totalCount: 0, correctedQuery: null, nodes: [] });
    expect(await titlesFound('taza')).toEqual(['Taza grande']);
  });

  it('does not correct words that are right', async () => {
    expect((await search('zapatos')).correctedQuery).toBeNull();
  });

  it('answers a repeated typo or prefix as the first time, and as the vocabulary says now when it changed', async () => {
    // The second search of the same words starts with the first one's analysis beside the words' statement
    // (search.service.ts): the answers must be the same as the first time, and a word that became known since
    // is searched as a word, its typo no longer corrected.
    const typo = await search('talador');
    expect(typo.correctedQuery).toBeNull();
    expect(await search('talador')).toEqual(typo);
    const prefix = await search('lavavaj');
    expect(prefix).toEqual({ totalCount: 0, correctedQuery: null, nodes: [] });
    expect(await search('lavavaj')).toEqual(prefix);
    await sell('Taladro percutor', 'ES');
    await sell('Lavavajillas compacto', 'ES');
    const corrected = await search('talador');
    expect(corrected.correctedQuery).toBe('taladro');
    expect(corrected.nodes.map((n) => n.title)).toEqual(['Taladro percutor']);
    expect(await search('talador')).toEqual(corrected);
    expect((await search('lavavaj')).nodes.map((n) => n.title)).toEqual(['Lavavajillas compacto']);
    await sell('Talador de mesa', 'ES');
    const known = await search('talador');
    expect(known.correctedQuery).toBeNull();
    expect(known.nodes.map((n) => n.title)).toEqual(['Talador de mesa']);
  });
});

describe('search: visibility', () => {
  it('never shows drafts, products without a visible listing, or a suspended seller’s products', async () => {
    const other = await createSeller(t);
    await sell('Ornitorrinco draft', 'ES', seller, { status: 'DRAFT' });
    await createProduct(t, seller.key, { title: 'Ornitorrinco sin oferta', language: 'ES' });
    await sell('Ornitorrinco suspendido', 'ES', other);
    await sell('Ornitorrinco visible', 'ES');
    expect(await titlesFound('ornitorrinco')).toEqual(expect.arrayContaining(['Ornitorrinco suspendido', 'Ornitorrinco visible']));
    expect((await titlesFound('ornitorrinco')).length).toBe(2);

    const data = await t.data(
      `mutation ($input: SellerSuspendInput!) { sellerSuspend(input: $input) { userErrors { code } } }`,
      { input: { sellerId: other.id, reason: 'test' } },
      ADMIN_KEY,
    );
    expect(data.sellerSuspend.userErrors).toEqual([]);
    expect(await titlesFound('ornitorrinco')).toEqual(['Ornitorrinco visible']);
    const suggest = await t.data(`{ searchSuggest(prefix: "ornito", first: 20) { kind text } }`);
    expect(suggest.searchSuggest.filter((s: { kind: string }) => s.kind === 'PRODUCT').map((s: { text: string }) => s.text)).toEqual([
      'Ornitorrinco visible',
    ]);
  });

  it('follows title changes', async () => {
    const p = await sell('Tetera antigua', 'ES');
    const data = await t.data(
      `mutation ($input: ProductUpdateInput!) { productUpdate(input: $input) { userErrors { code } } }`,
      { input: { id: p.id, title: 'Tetera moderna' } },
      seller.key,
    );
    expect(data.productUpdate.userErrors).toEqual([]);
    expect(await titlesFound('moderna')).toEqual(['Tetera moderna']);
    expect(await titlesFound('antigua')).toEqual([]);
  });
});

describe('searchSuggest', () => {
  it('completes words, categories and products from a prefix, accents ignored', async () => {
    const data = await t.data(`{ searchSuggest(prefix: "CAMIÓ", first: 9) { kind text product { id } category { id } } }`);
    expect(data.searchSuggest).toEqual(
      expect.arrayContaining([
        { kind: 'QUERY', text: 'camion', product: null, category: null },
        { kind: 'PRODUCT', text: 'Camión volquete', product: { id: titles['Camión volquete'] }, category: null },
      ]),
    );
  });

  it('completes the last word after the first ones', async () => {
    const data = await t.data(`{ searchSuggest(prefix: "bicicleta ple") { kind text } }`);
    expect(data.searchSuggest).toEqual(expect.arrayContaining([{ kind: 'QUERY', text: 'bicicleta plegable' }]));
  });

  it('suggests products by their title words, not their description', async () => {
    await sell('Reloj digital', 'ES', seller, { description: 'Sumergible hasta 50 metros.' });
    const products = async (prefix: string) =>
      (await t.data(`query ($p: String!) { searchSuggest(prefix: $p, first: 20) { kind text } }`, { p: prefix })).searchSuggest
        .filter((s: { kind: string }) => s.kind === 'PRODUCT')
        .map((s: { text: string }) => s.text);
    expect(await products('relo')).toEqual(['Reloj digital']);
    expect(await products('reloj dig')).toEqual(['Reloj digital']);
    expect(await products('sumerg')).toEqual([]);
    expect(await titlesFound('sumergible')).toEqual(['Reloj digital']);
  });

  it('answers in one statement, the products and categories in it, completions first, then categories, then products', async () => {
    const SUGGEST = `query ($p: String!) { searchSuggest(prefix: $p, first: 20) { kind text product { id title slug } category { id name } } }`;
    await t.data(SUGGEST, { p: 'cami' });
    const before = statementCount(t.app.dataSource);
    const { searchSuggest } = await t.data(SUGGEST, { p: 'cami' });
    expect(statementCount(t.app.dataSource) - before).toBe(1);
    const order = ['QUERY', 'CATEGORY', 'PRODUCT'];
    const kinds = searchSuggest.map((s: { kind: string }) => order.indexOf(s.kind));
    expect(kinds).toEqual([...kinds].sort((a, b) => a - b));
    const products = searchSuggest.filter((s: { kind: string }) => s.kind === 'PRODUCT');
    expect(products.length).toBeGreaterThan(0);
    for (const s of products) {
      expect(s.product.id).toBe(titles[s.text]);
      expect(s.product.title).toBe(s.text);
    }
  });

  it('answers nothing for no words', async () => {
    expect((await t.data(`{ searchSuggest(prefix: " ¿?! ") { kind } }`)).searchSuggest).toEqual([]);
  });
});

describe('search: bounded input', () => {
  it.each([
    ['search', `query ($q: String!) { search(query: $q) { totalCount } }`, 'x'.repeat(201), 'query'],
    ['searchSuggest', `query ($q: String!) { searchSuggest(prefix: $q) { text } }`, 'x'.repeat(101), 'prefix'],
  ])('refuses a %s text over its limit', async (_name, query, q, field) => {
    const res = await t.request(query, { q });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('uses at most 8 words of a long query', async () => {
    const r = await search(`zapato ${'cuero '.repeat(7)} inexistente`);
    expect(r.nodes.map((n) => n.title)).toEqual(['Zapato de cuero marrón']);
  });

  it('refuses a page over 100 and a forged cursor', async () => {
    expect((await t.request(`{ search(query: "zapato", first: 101) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.request(`{ search(query: "zapato", after: "bm9wZQ") { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
