import { accessWith, LOGIN, PASSWORD, signUp, type Tokens, VIEWER } from '../modules/sign-in/accounts-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { type WsClient, wsClient, wsRequest } from '../helpers/ws-client';

// Seller keys' sockets: test/auth/seller-scopes.test.ts ('revocation over WebSocket').
let t: TestApp;
let second: TestApp;
const open: WsClient[] = [];

beforeAll(async () => {
  t = await startTestApp();
  second = await startTestApp({}, { sharing: t });
});
afterAll(async () => {
  for (const c of open) await c.dispose();
  await second?.stop();
  await t?.stop();
});

const LOGOUT = 'mutation { customerLogout { endedSessions userErrors { code } } }';
const LOGOUT_EVERYWHERE = 'mutation { customerLogoutEverywhere { endedSessions userErrors { code } } }';
const CHANGE = `mutation ($input: CustomerPasswordChangeInput!) {
  customerPasswordChange(input: $input) { customerAccessToken { accessToken } userErrors { code } }
}`;
const ERASE = 'mutation ($input: CustomerEraseInput!) { customerErase(input: $input) { erased userErrors { code } } }';

/** A socket held open on `app` with a customer's access token, checked to answer as that customer. */
async function socket(app: TestApp, token: string, customerId: string): Promise<WsClient> {
  const client = wsClient(app.app.wsUrl, token, { lazy: false });
  open.push(client);
  expect(await wsRequest(client, VIEWER)).toMatchObject({ data: { viewer: { id: customerId } } });
  return client;
}

const login = async (email: string, password = PASSWORD): Promise<Tokens> =>
  (await t.data(LOGIN, { input: { email, password } })).customerLogin.customerAccessToken;

async function expectClosed(clients: WsClient[], what: string) {
  await until(() => clients.every((c) => c.closeCodes.length > 0), what, 5_000);
  expect(clients.map((c) => c.closeCodes)).toEqual(clients.map(() => [4403]));
}

async function expectOpen(client: WsClient, customerId: string) {
  expect(client.closeCodes).toEqual([]);
  expect(await wsRequest(client, VIEWER)).toMatchObject({ data: { viewer: { id: customerId } } });
}

describe("a customer's open WebSockets", () => {
  it('close within seconds after logout everywhere, on every instance; other customers stay', async () => {
    const ana = await signUp(t);
    const phone = await login(ana.email);
    const bea = await signUp(t);
    const anas = [await socket(t, ana.tokens.accessToken, ana.id), await socket(second, ana.tokens.accessToken, ana.id), await socket(second, phone.accessToken, ana.id)];
    const beas = await socket(second, bea.tokens.accessToken, bea.id);

    const started = Date.now();
    expect((await t.data(LOGOUT_EVERYWHERE, {}, ana.tokens.accessToken)).customerLogoutEverywhere).toEqual({ endedSessions: 2, userErrors: [] });
    await expectClosed(anas, "Ana's sockets closed");
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectOpen(beas, bea.id);
    // A new sign-in opens a socket again.
    await expectOpen(await socket(second, (await login(ana.email)).accessToken, ana.id), ana.id);
  });

  it('of a session close at its logout, those of other sessions stay', async () => {
    const ana = await signUp(t);
    const phone = await login(ana.email);
    const [laptop, other] = [await socket(second, ana.tokens.accessToken, ana.id), await socket(second, phone.accessToken, ana.id)];
    expect((await t.data(LOGOUT, {}, ana.tokens.accessToken)).customerLogout).toEqual({ endedSessions: 1, userErrors: [] });
    await expectClosed([laptop], 'the logged-out session closed');
    await expectOpen(other, ana.id);
  });

  it('close after a password change; the token it issues opens one that stays', async () => {
    const ana = await signUp(t);
    const bea = await signUp(t);
    const old = await socket(second, ana.tokens.accessToken, ana.id);
    const beas = await socket(t, bea.tokens.accessToken, bea.id);
    const changed = await t.data(CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'a brand new secret' } }, ana.tokens.accessToken);
    expect(changed.customerPasswordChange.userErrors).toEqual([]);
    const fresh = await socket(second, changed.customerPasswordChange.customerAccessToken.accessToken, ana.id);
    await expectClosed([old], 'the old token closed');
    await new Promise((r) => setTimeout(r, 300));
    await expectOpen(fresh, ana.id);
    await expectOpen(beas, bea.id);
  });

  it('close when the customer is erased', async () => {
    const ana = await signUp(t);
    const bea = await signUp(t);
    const anas = [await socket(t, ana.tokens.accessToken, ana.id), await socket(second, ana.tokens.accessToken, ana.id)];
    const beas = await socket(second, bea.tokens.accessToken, bea.id);
    const erased = await t.data(ERASE, { input: { confirmEmail: ana.email } }, ana.tokens.accessToken);
    expect(erased.customerErase).toEqual({ erased: true, userErrors: [] });
    await expectClosed(anas, "the erased customer's sockets closed");
    await expectOpen(beas, bea.id);
  });

  it('close when the access token expires, at the next re-check', async () => {
    const short = await startTestApp({ accessTokenTtlSeconds: 2, socketRecheckMs: 200 }, { sharing: t });
    try {
      const ana = await signUp(short);
      const bea = await signUp(t);
      const expiring = await socket(short, ana.tokens.accessToken, ana.id);
      const beas = await socket(short, bea.tokens.accessToken, bea.id);
      const expiresAt = new Date(ana.tokens.expiresAt).getTime();
      await expectClosed([expiring], 'the expired token closed');
      // The token's `exp` is whole seconds, at most one before the expiresAt reported.
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 1_000);
      expect(Date.now() - expiresAt).toBeLessThan(1_000);
      expect(await accessWith(short, ana.tokens.accessToken)).toBe('401 UNAUTHENTICATED');
      await expectOpen(beas, bea.id);
    } finally {
      await short.stop();
    }
  });
});
