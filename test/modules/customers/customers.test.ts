import { SignJWT, decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createSeller } from '../../helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const SIGN_UP = `mutation ($input: CustomerSignUpInput!) {
  customerSignUp(input: $input) {
    customer { id email name locale }
    customerAccessToken { accessToken expiresAt }
    userErrors { field message code }
  }
}`;
const LOGIN = `mutation ($input: CustomerLoginInput!) {
  customerLogin(input: $input) { customer { id } customerAccessToken { accessToken } userErrors { field message code } }
}`;
const PASSWORD = 'correct horse battery';

let counter = 0;
async function signUp(email = `shopper${++counter}@example.com`) {
  const data = await t.data(SIGN_UP, { input: { email, password: PASSWORD, name: 'Ana Shopper' } });
  expect(data.customerSignUp.userErrors).toEqual([]);
  return { id: data.customerSignUp.customer.id as string, email, token: data.customerSignUp.customerAccessToken.accessToken as string };
}

describe('customer sign-up', () => {
  it('returns the customer and an access token that expires in the future', async () => {
    const data = await t.data(SIGN_UP, { input: { email: 'ana@example.com', password: PASSWORD, name: 'Ana' } });
    const { customer, customerAccessToken, userErrors } = data.customerSignUp;
    expect(userErrors).toEqual([]);
    expect(customer).toEqual({ id: expect.any(String), email: 'ana@example.com', name: 'Ana', locale: 'en' });
    expect(customerAccessToken.accessToken.split('.')).toHaveLength(3);
    expect(new Date(customerAccessToken.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('reports an email that is taken, compared case-insensitively', async () => {
    await signUp('taken@example.com');
    const data = await t.data(SIGN_UP, { input: { email: 'TAKEN@Example.com', password: PASSWORD, name: 'Copy' } });
    expect(data.customerSignUp.customer).toBeNull();
    expect(data.customerSignUp.customerAccessToken).toBeNull();
    expect(data.customerSignUp.userErrors).toEqual([{ field: ['input', 'email'], message: expect.any(String), code: 'TAKEN' }]);
  });

  it('names every invalid field', async () => {
    const data = await t.data(SIGN_UP, { input: { email: 'not-an-email', password: 'short', name: 'Ana' } });
    expect(data.customerSignUp.customer).toBeNull();
    const fields = data.customerSignUp.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort();
    expect(fields).toEqual(['input.email', 'input.password']);
  });
});

describe('customer login', () => {
  it('signs in with the right password', async () => {
    const customer = await signUp();
    const data = await t.data(LOGIN, { input: { email: customer.email.toUpperCase(), password: PASSWORD } });
    expect(data.customerLogin.userErrors).toEqual([]);
    expect(data.customerLogin.customer.id).toBe(customer.id);
    const viewer = await t.data('{ viewer { id } }', {}, data.customerLogin.customerAccessToken.accessToken);
    expect(viewer.viewer.id).toBe(customer.id);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const customer = await signUp();
    const wrong = await t.data(LOGIN, { input: { email: customer.email, password: 'wrong password!' } });
    const unknown = await t.data(LOGIN, { input: { email: 'nobody@example.com', password: PASSWORD } });
    expect(wrong.customerLogin.customerAccessToken).toBeNull();
    expect(wrong.customerLogin.userErrors).toEqual([{ field: null, message: expect.any(String), code: 'INVALID_CREDENTIALS' }]);
    expect(unknown.customerLogin).toEqual(wrong.customerLogin);
  });
});

describe('customer tokens', () => {
  it('makes viewer the customer, and null for guests', async () => {
    const customer = await signUp();
    expect((await t.data('{ viewer { id email } }', {}, customer.token)).viewer).toEqual({ id: customer.id, email: customer.email });
    expect((await t.data('{ viewer { id } }')).viewer).toBeNull();
  });

  /** A token signed with the app's secret, as src/auth/tokens.ts issues them (for the session of `customer.token`), expiring at `exp` (seconds). */
  function sign(customer: { id: string; token: string }, exp: number) {
    const uuid = Buffer.from(customer.id, 'base64url').toString().split(':')[1]!;
    const { sid, ver } = decodeJwt(customer.token);
    return new SignJWT({ sid, ver })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(uuid)
      .setIssuer('zoco')
      .setAudience('zoco:customer')
      .setIssuedAt(exp - 3600)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(t.app.config.jwtSecret));
  }
  const now = () => Math.floor(Date.now() / 1000);

  const badTokens: [string, () => Promise<string>][] = [
    ['garbage', async () => 'not-a-token'],
    ['garbage in JWT shape', async () => 'aaa.bbb.ccc'],
    [
      'tampered',
      async () => {
        const [header, , signature] = (await signUp()).token.split('.');
        const other = await signUp();
        const [, payload] = (await sign(other, now() + 3600)).split('.');
        return [header, payload, signature].join('.');
      },
    ],
    ['expired', async () => sign(await signUp(), now() - 60)],
  ];
  it.each(badTokens)('answers HTTP 401 UNAUTHENTICATED to a bearer token that is %s', async (_kind, make) => {
    const res = await t.request('{ viewer { id } }', {}, await make());
    expect(res.status).toBe(401);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('accepts a token signed like the expired one but still valid', async () => {
    const customer = await signUp();
    const res = await t.data('{ viewer { id } }', {}, await sign(customer, now() + 60));
    expect(res.viewer.id).toBe(customer.id);
  });

  it('forbids seller and operator mutations to a customer', async () => {
    const customer = await signUp();
    const product = await t.request('mutation { productCreate(input: { title: "Nope" }) { userErrors { code } } }', {}, customer.token);
    expect(product.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const seller = await t.request(
      'mutation { sellerCreate(input: { slug: "by-customer", name: "Nope" }) { seller { id } } }',
      {},
      customer.token,
    );
    expect(seller.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const sellers = await t.data('{ sellers(first: 100) { nodes { slug } } }');
    expect(sellers.sellers.nodes).not.toContainEqual({ slug: 'by-customer' });
  });
});

describe('node(id) of a Customer', () => {
  const NODE = 'query ($id: ID!) { node(id: $id) { id ... on Customer { email } } }';

  it('is visible to the customer itself only', async () => {
    const a = await signUp();
    const b = await signUp();
    const seller = await createSeller(t);
    expect((await t.data(NODE, { id: a.id }, a.token)).node).toEqual({ id: a.id, email: a.email });
    expect((await t.data(NODE, { id: a.id }, b.token)).node).toBeNull();
    expect((await t.data(NODE, { id: a.id })).node).toBeNull();
    expect((await t.data(NODE, { id: a.id }, seller.key)).node).toBeNull();
  });
});
