import { isEmailAddress } from '../../src/core/email';
import { statementCount } from '../../src/db/data-source';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { wsClient, wsRequest, type WsClient } from '../helpers/ws-client';
import { REPORTED_COST } from '../helpers/graphql-client';

let t: TestApp;
let ws: WsClient;
beforeAll(async () => {
  t = await startTestApp();
  ws = wsClient(t.app.wsUrl);
});
afterAll(async () => {
  await ws.dispose();
  await t.stop();
});

// The shape that made /^[^\s@]+@[^\s@]+\.[^\s@]+$/ backtrack quadratically: 13 s at 100k characters.
const hostileEmail = (length: number) => `a@${'a.'.repeat(Math.floor((length - 3) / 2))}@`;

const tooComplex = { errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) })] };

/** Fragments F0 … F{height}: each spreads the next twice, so expanding them visits 2^height selections. */
const spreadTwice = (height: number) =>
  `query Dag { ...F0 }\n${Array.from({ length: height }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n')}
  fragment F${height} on Query { viewer { id } }`;
/** The same DAG through aliased fields: execution would really fan out 2^height times. */
const aliasedTwice = (height: number) =>
  `query Dag { category(slug: "none") { ...F0 } }\n${Array.from({ length: height }, (_, i) => `fragment F${i} on Category { a: parent { ...F${i + 1} } b: parent { ...F${i + 1} } }`).join('\n')}
  fragment F${height} on Category { id }`;

describe('emails', () => {
  it('answers a 100k-character email in customerSignUp with a TOO_LONG userError', async () => {
    const res = await t.request(
      'mutation ($input: CustomerSignUpInput!) { customerSignUp(input: $input) { customer { id } userErrors { field code message } } }',
      { input: { email: hostileEmail(100_000), password: 'correct horse battery', name: 'Ana' } },
    );
    expect(res).toEqual({
      status: 200,
      data: { customerSignUp: { customer: null, userErrors: [{ field: ['input', 'email'], code: 'TOO_LONG', message: 'email is too long (maximum 254 characters).' }] } },
      extensions: REPORTED_COST,
    });
  });

  it('answers a 100k-character email in cartBuyerIdentityUpdate with a TOO_LONG userError', async () => {
    const cart = await t.data('mutation { cartCreate { cart { id } } }');
    const res = await t.request(
      'mutation ($input: CartBuyerIdentityUpdateInput!) { cartBuyerIdentityUpdate(input: $input) { cart { email } userErrors { field code } } }',
      { input: { cartId: cart.cartCreate.cart.id, email: hostileEmail(100_000) } },
    );
    expect(res.data).toEqual({ cartBuyerIdentityUpdate: { cart: null, userErrors: [{ field: ['input', 'email'], code: 'TOO_LONG' }] } });
  });

  it('refuses the hostile shape within the length limit as INVALID, and accepts a plain address', async () => {
    const cart = await t.data('mutation { cartCreate { cart { id } } }');
    const update = (email: string) =>
      t.data('mutation ($input: CartBuyerIdentityUpdateInput!) { cartBuyerIdentityUpdate(input: $input) { cart { email } userErrors { code } } }', {
        input: { cartId: cart.cartCreate.cart.id, email },
      });
    expect((await update(hostileEmail(254))).cartBuyerIdentityUpdate.userErrors).toEqual([{ code: 'INVALID' }]);
    expect(await update(' ana@example.com ')).toEqual({ cartBuyerIdentityUpdate: { cart: { email: 'ana@example.com' }, userErrors: [] } });
  });

  it('checks an address by hand exactly as the regular expression it replaces did', () => {
    const OLD = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
    const alphabet = ['a', '@', '.', ' '];
    const differ: string[] = [];
    let checked = 0;
    const walk = (prefix: string) => {
      if (isEmailAddress(prefix) !== OLD.test(prefix)) differ.push(prefix);
      checked++;
      if (prefix.length < 8) for (const c of alphabet) walk(prefix + c);
    };
    walk('');
    expect(differ).toEqual([]);
    expect(checked).toBe((4 ** 9 - 1) / 3);
    for (const space of ['\t', '\n', '\u00a0', '\u2003', '\u3000', '\ufeff']) expect(isEmailAddress(`a${space}b@c.d`)).toBe(false);
    expect(isEmailAddress(`${'a'.repeat(240)}@example.com`)).toBe(true);
    expect(isEmailAddress(`${'a'.repeat(243)}@example.com`)).toBe(false);
  });
});

describe('fragments, aliases, directives and tokens', () => {
  it('refuses a DAG of 40 fragments each spread twice with QUERY_TOO_COMPLEX (2^40 expansions if walked per spread)', async () => {
    const before = statementCount(t.app.dataSource);
    expect(await t.request(spreadTwice(40))).toMatchObject({ status: 400, ...tooComplex });
    expect(statementCount(t.app.dataSource)).toBe(before);
    expect(await wsRequest(ws, spreadTwice(40))).toMatchObject(tooComplex);
  });

  it('refuses a DAG of aliased fields by its depth, and its cost when within the depth', async () => {
    expect(await t.request(aliasedTwice(40))).toMatchObject({ status: 400, errors: expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(/^Query depth 42 exceeds/) })]) });
    expect(await t.request(aliasedTwice(9))).toMatchObject({ status: 400, errors: [{ message: expect.stringMatching(/aliases; the maximum is 30/) }] });
  });

  it('counts aliases and directives through fragments as often as they are spread', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: id`).join(' ');
    const twice = `{ viewer { ...A } v: viewer { ...A } } fragment A on Customer { ${aliases} }`;
    expect(await t.request(twice)).toMatchObject({ status: 400, errors: [{ message: 'The operation uses 33 aliases; the maximum is 30.' }] });
    const directives = (n: number) => `query ($y: Boolean = true) { viewer { ${Array.from({ length: n }, () => 'id @include(if: $y)').join(' ')} } }`;
    expect(await t.request(directives(50))).toEqual({ status: 200, data: { viewer: null }, extensions: REPORTED_COST });
    expect(await t.request(directives(51))).toMatchObject({ status: 400, errors: [{ message: 'The operation uses 51 directives; the maximum is 50.', extensions: { code: 'QUERY_TOO_COMPLEX' } }] });
  });

  it('stops parsing a document of more than 2000 tokens, over HTTP and WebSocket', async () => {
    // The ids are one token each; 12 more around them. (Repeated fields would meet graphql-js's own overlap budget first.)
    const document = (ids: number) => `{ nodes(ids: [${'"x" '.repeat(ids)}]) { id } }`;
    const parsed = await t.request(document(1988));
    expect(parsed).toMatchObject({ errors: [{ message: expect.stringMatching(/At most 100 ids/), extensions: { code: 'BAD_USER_INPUT' } }] });
    const refused = await t.request(document(1989));
    expect(refused).toMatchObject({ status: 400, ...tooComplex });
    expect(refused.errors![0]!.message).toMatch(/more tha[nt] 2000 tokens/);
    expect(await wsRequest(ws, document(1989))).toMatchObject(tooComplex);
  });

  it('answers a fragment cycle with a validation error', async () => {
    const res = await t.request('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A viewer { id } }');
    expect(res).toMatchObject({ status: 400, errors: expect.arrayContaining([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]) });
  });
});
