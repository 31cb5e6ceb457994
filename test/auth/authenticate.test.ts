import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { createSeller } from '../helpers/fixtures';
import { until } from '../helpers/until';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { accessWith, RENEW, requestFrom, signUp } from '../modules/sign-in/accounts-fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ trustedProxies: ['127.0.0.1'] });
});
afterAll(() => t.stop());

const now = () => Math.floor(Date.now() / 1000);

/** A token with the app's secret and the given claims, built by hand as an attacker with the secret's help could not. */
function sign(claims: { sub?: string; sid?: unknown; ver?: unknown; exp?: number }, alg = 'HS256') {
  const jwt = new SignJWT({ sid: claims.sid, ver: claims.ver }).setProtectedHeader({ alg }).setIssuer('zoco').setAudience('zoco:customer').setIssuedAt();
  if (claims.sub) jwt.setSubject(claims.sub);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(t.app.config.jwtSecret));
}

async function claimsOfNewCustomer() {
  const customer = await signUp(t);
  const { sub, sid, ver } = decodeJwt(customer.tokens.accessToken);
  return { customer, claims: { sub: sub!, sid, ver } };
}

describe('customer access tokens', () => {
  it('refuses a well-signed token without exp', async () => {
    const { claims } = await claimsOfNewCustomer();
    expect(await accessWith(t, await sign(claims))).toBe('401 UNAUTHENTICATED');
    expect(await accessWith(t, await sign({ ...claims, exp: now() + 600 }))).toBe('ok');
  });

  it('refuses an expired token', async () => {
    const { claims } = await claimsOfNewCustomer();
    expect(await accessWith(t, await sign({ ...claims, exp: now() - 1 }))).toBe('401 UNAUTHENTICATED');
  });

  it('refuses a token once it expires, though it was accepted (and remembered as verified) before', async () => {
    const { claims } = await claimsOfNewCustomer();
    const token = await sign({ ...claims, exp: now() + 3 });
    expect(await accessWith(t, token)).toBe('ok');
    // The verified-token cache must not outlive exp: refused once the clock passes it (the tokens' real clock).
    await until(async () => (await accessWith(t, token)) === '401 UNAUTHENTICATED', 'the token to expire', 8_000);
    expect(await accessWith(t, token)).toBe('401 UNAUTHENTICATED');
  });

  it('refuses another algorithm with the same secret, and alg none', async () => {
    const { claims } = await claimsOfNewCustomer();
    expect(await accessWith(t, await sign({ ...claims, exp: now() + 600 }, 'HS512'))).toBe('401 UNAUTHENTICATED');
    const unsecured = new UnsecuredJWT({ sid: claims.sid, ver: claims.ver }).setSubject(claims.sub).setIssuer('zoco').setAudience('zoco:customer').setIssuedAt().setExpirationTime('10m');
    expect(await accessWith(t, unsecured.encode())).toBe('401 UNAUTHENTICATED');
  });

  it('answers 401, never a database error, for a validly signed token of a customer that does not exist', async () => {
    const token = await sign({ sub: randomUUID(), sid: randomUUID(), ver: 0, exp: now() + 600 });
    expect(await accessWith(t, token)).toBe('401 UNAUTHENTICATED');
    const cart = await t.request('mutation { cartCreate(input: { lines: [] }) { cart { id } } }', {}, token);
    expect(cart.status).toBe(401);
    expect(cart.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const odd of [{ sub: 'not-a-uuid', sid: randomUUID(), ver: 0 }, { sub: randomUUID(), sid: 'x', ver: 0 }, { sub: randomUUID(), sid: randomUUID(), ver: 'x' }]) {
      expect(await accessWith(t, await sign({ ...odd, exp: now() + 600 }))).toBe('401 UNAUTHENTICATED');
    }
  });

  it("refuses a token of the customer's own session once the token version moved on", async () => {
    const { claims } = await claimsOfNewCustomer();
    expect(await accessWith(t, await sign({ ...claims, ver: (claims.ver as number) + 1, exp: now() + 600 }))).toBe('401 UNAUTHENTICATED');
  });

  it('revokes every token on customerErase', async () => {
    const { customer } = await claimsOfNewCustomer();
    const erase = await t.data(
      'mutation ($input: CustomerEraseInput!) { customerErase(input: $input) { erased userErrors { code } } }',
      { input: { confirmEmail: customer.email } },
      customer.tokens.accessToken,
    );
    expect(erase.customerErase).toEqual({ erased: true, userErrors: [] });
    expect(await accessWith(t, customer.tokens.accessToken)).toBe('401 UNAUTHENTICATED');
    const renewed = await t.data(RENEW, { input: { refreshToken: customer.tokens.refreshToken } });
    expect(renewed.customerAccessTokenRenew.userErrors[0].code).toBe('INVALID_CREDENTIALS');
    const exported = await t.request('{ customerDataExport { data } }', {}, customer.tokens.accessToken);
    expect(exported.status).toBe(401);
  });
});

describe('seller and operator key guessing', () => {
  it('is throttled per address after 20 wrong keys, for right keys too, while other addresses go on', async () => {
    const seller = await createSeller(t);
    const guesser = '203.0.113.7';
    const codes: string[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await requestFrom(t.app.url, guesser, '{ viewer { id } }', {}, i % 2 ? `zsk_guess${i}` : `operator-guess-${i}`);
      codes.push(`${res.status} ${res.errors?.[0]?.extensions?.code}`);
    }
    expect(codes.slice(0, 19).every((c) => c === '401 UNAUTHENTICATED')).toBe(true);
    expect(codes.slice(20)).toEqual(['429 RATE_LIMITED', '429 RATE_LIMITED']);
    const right = await requestFrom(t.app.url, guesser, '{ sellers(first: 1) { nodes { id } } }', {}, seller.key);
    expect(right.status).toBe(429);
    expect(right.errors?.[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    const elsewhere = await requestFrom(t.app.url, '198.51.100.9', '{ sellers(first: 1) { nodes { id } } }', {}, seller.key);
    expect(elsewhere.status).toBe(200);
    const operator = await requestFrom(t.app.url, '198.51.100.9', '{ sellers(first: 1) { nodes { id } } }', {}, ADMIN_KEY);
    expect(operator.status).toBe(200);
  });
});
