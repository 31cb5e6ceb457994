import { startTestApp, type TestApp } from '../../helpers/test-app';
import { accessWith, capturingSender, LOGIN, PASSWORD, RENEW, signUp } from './accounts-fixtures';

let t: TestApp;
const sender = capturingSender();
beforeAll(async () => {
  t = await startTestApp({ notificationSender: sender });
});
afterAll(() => t.stop());

const LOGOUT = `mutation ($input: CustomerLogoutInput) { customerLogout(input: $input) { endedSessions userErrors { field message code } } }`;
const LOGOUT_EVERYWHERE = 'mutation { customerLogoutEverywhere { endedSessions userErrors { field message code } } }';
const CHANGE = `mutation ($input: CustomerPasswordChangeInput!) {
  customerPasswordChange(input: $input) { customerAccessToken { accessToken refreshToken } userErrors { field message code } }
}`;

const renew = (refreshToken: string) => t.data(RENEW, { input: { refreshToken } }).then((d) => d.customerAccessTokenRenew);

describe('access tokens', () => {
  it('live 15 minutes, with a refresh token that lives as long as the session', async () => {
    const { tokens } = await signUp(t);
    const ttl = new Date(tokens.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    expect(tokens.refreshToken).toMatch(/^zrt_[A-Za-z0-9_-]{43}$/);
    expect(new Date(tokens.refreshTokenExpiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
  });
});

describe('customerAccessTokenRenew', () => {
  it('rotates: a new access token and a new refresh token, each working', async () => {
    const { id, tokens } = await signUp(t);
    const renewed = await renew(tokens.refreshToken);
    expect(renewed.userErrors).toEqual([]);
    expect(renewed.customer.id).toBe(id);
    expect(renewed.customerAccessToken.refreshToken).not.toBe(tokens.refreshToken);
    expect(await accessWith(t, renewed.customerAccessToken.accessToken)).toBe('ok');
    const again = await renew(renewed.customerAccessToken.refreshToken);
    expect(again.userErrors).toEqual([]);
  });

  it('treats a spent refresh token presented again as theft: the whole family ends', async () => {
    const { tokens } = await signUp(t);
    const first = await renew(tokens.refreshToken);
    const second = await renew(first.customerAccessToken.refreshToken);
    // The attacker replays the first refresh token: refused, and the session it belongs to ends ...
    const replay = await renew(tokens.refreshToken);
    expect(replay.customerAccessToken).toBeNull();
    expect(replay.userErrors).toEqual([{ field: ['input', 'refreshToken'], message: expect.any(String), code: 'INVALID_CREDENTIALS' }]);
    // ... so the legitimate client's newest tokens stop working too.
    expect((await renew(second.customerAccessToken.refreshToken)).userErrors[0].code).toBe('INVALID_CREDENTIALS');
    expect(await accessWith(t, second.customerAccessToken.accessToken)).toBe('401 UNAUTHENTICATED');
  });

  it('answers an unknown or oversized refresh token with a userError', async () => {
    expect((await renew('zrt_nothing')).userErrors[0].code).toBe('INVALID_CREDENTIALS');
    expect((await renew('x'.repeat(100_000))).userErrors[0].code).toBe('INVALID_CREDENTIALS');
  });

  it('leaves other sessions alone when one family is revoked', async () => {
    const { email, tokens } = await signUp(t);
    const other = (await t.data(LOGIN, { input: { email, password: PASSWORD } })).customerLogin.customerAccessToken;
    await renew(tokens.refreshToken);
    await renew(tokens.refreshToken);
    expect(await accessWith(t, other.accessToken)).toBe('ok');
    expect((await renew(other.refreshToken)).userErrors).toEqual([]);
  });
});

describe('customerLogout', () => {
  it("ends this session at once: its access token and refresh token, and only those", async () => {
    const { email, tokens } = await signUp(t);
    const other = (await t.data(LOGIN, { input: { email, password: PASSWORD } })).customerLogin.customerAccessToken;
    const out = await t.data(LOGOUT, {}, tokens.accessToken);
    expect(out.customerLogout).toEqual({ endedSessions: 1, userErrors: [] });
    expect(await accessWith(t, tokens.accessToken)).toBe('401 UNAUTHENTICATED');
    expect((await renew(tokens.refreshToken)).userErrors[0].code).toBe('INVALID_CREDENTIALS');
    expect(await accessWith(t, other.accessToken)).toBe('ok');
  });

  it('ends the session of a refresh token without an access token (one that expired)', async () => {
    const { tokens } = await signUp(t);
    const out = await t.data(LOGOUT, { input: { refreshToken: tokens.refreshToken } });
    expect(out.customerLogout.endedSessions).toBe(1);
    expect(await accessWith(t, tokens.accessToken)).toBe('401 UNAUTHENTICATED');
  });

  it('is UNAUTHENTICATED for a guest without a refresh token', async () => {
    const res = await t.request(LOGOUT, {});
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('customerLogoutEverywhere', () => {
  it('refuses every access token issued before, and every refresh token', async () => {
    const { email, tokens } = await signUp(t);
    const other = (await t.data(LOGIN, { input: { email, password: PASSWORD } })).customerLogin.customerAccessToken;
    const out = await t.data(LOGOUT_EVERYWHERE, {}, tokens.accessToken);
    expect(out.customerLogoutEverywhere).toEqual({ endedSessions: 2, userErrors: [] });
    for (const token of [tokens.accessToken, other.accessToken]) expect(await accessWith(t, token)).toBe('401 UNAUTHENTICATED');
    for (const token of [tokens.refreshToken, other.refreshToken]) expect((await renew(token)).userErrors[0].code).toBe('INVALID_CREDENTIALS');
    // A new sign-in works.
    const fresh = (await t.data(LOGIN, { input: { email, password: PASSWORD } })).customerLogin.customerAccessToken;
    expect(await accessWith(t, fresh.accessToken)).toBe('ok');
  });
});

describe('customerPasswordChange', () => {
  it('checks the current password, ends every session and starts a new one for the caller', async () => {
    const { email, tokens } = await signUp(t);
    const other = (await t.data(LOGIN, { input: { email, password: PASSWORD } })).customerLogin.customerAccessToken;
    const wrong = await t.data(CHANGE, { input: { currentPassword: 'not my password', newPassword: 'a brand new secret' } }, tokens.accessToken);
    expect(wrong.customerPasswordChange.userErrors).toEqual([{ field: ['input', 'currentPassword'], message: expect.any(String), code: 'INVALID_CREDENTIALS' }]);
    expect(await accessWith(t, other.accessToken)).toBe('ok');

    const changed = await t.data(CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'a brand new secret' } }, tokens.accessToken);
    expect(changed.customerPasswordChange.userErrors).toEqual([]);
    for (const token of [tokens.accessToken, other.accessToken]) expect(await accessWith(t, token)).toBe('401 UNAUTHENTICATED');
    expect((await renew(other.refreshToken)).userErrors[0].code).toBe('INVALID_CREDENTIALS');
    expect(await accessWith(t, changed.customerPasswordChange.customerAccessToken.accessToken)).toBe('ok');

    const oldLogin = await t.data(LOGIN, { input: { email, password: PASSWORD } });
    expect(oldLogin.customerLogin.userErrors[0].code).toBe('INVALID_CREDENTIALS');
    const newLogin = await t.data(LOGIN, { input: { email, password: 'a brand new secret' } });
    expect(newLogin.customerLogin.userErrors).toEqual([]);
  });

  it('refuses a short new password', async () => {
    const { tokens } = await signUp(t);
    const res = await t.data(CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'short' } }, tokens.accessToken);
    expect(res.customerPasswordChange.userErrors[0].field).toEqual(['input', 'newPassword']);
  });
});
