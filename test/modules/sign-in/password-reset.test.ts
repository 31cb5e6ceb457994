import { startTestApp, type TestApp } from '../../helpers/test-app';
import { accessWith, capturingSender, LOGIN, PASSWORD, RENEW, signUp, uniqueEmail, VIEWER } from './accounts-fixtures';

let t: TestApp;
const sender = capturingSender();
beforeAll(async () => {
  t = await startTestApp({ notificationSender: sender });
});
afterAll(() => t.stop());

const REQUEST = `mutation ($input: CustomerPasswordResetRequestInput!) {
  customerPasswordResetRequest(input: $input) { message userErrors { field message code } }
}`;
const RESET = `mutation ($input: CustomerPasswordResetInput!) {
  customerPasswordReset(input: $input) { customer { id emailVerified } customerAccessToken { accessToken refreshToken } userErrors { field message code } }
}`;
const VERIFY = `mutation ($input: CustomerEmailVerifyInput!) {
  customerEmailVerify(input: $input) { customer { id emailVerified } userErrors { field message code } }
}`;

describe('password reset', () => {
  it('answers the same whether or not the email has an account, and sends only to an account', async () => {
    const { email } = await signUp(t);
    const before = sender.sent.length;
    const known = await t.data(REQUEST, { input: { email } });
    const unknown = await t.data(REQUEST, { input: { email: uniqueEmail('nobody') } });
    expect(unknown).toEqual(known);
    expect(known.customerPasswordResetRequest.userErrors).toEqual([]);
    await sender.last('password_reset', email, before);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sender.sent.slice(before).map((m) => [m.kind, m.to])).toEqual([['password_reset', email]]);
  });

  it('sets a new password with the token of the message, once; every old session ends', async () => {
    const { email, tokens } = await signUp(t);
    const before = sender.sent.length;
    await t.data(REQUEST, { input: { email } });
    const { token } = await sender.last('password_reset', email, before);
    expect(token).toMatch(/^zpr_/);

    const reset = await t.data(RESET, { input: { token, newPassword: 'my new password 1' } });
    expect(reset.customerPasswordReset.userErrors).toEqual([]);
    expect(reset.customerPasswordReset.customer.emailVerified).toBe(true);
    expect(await accessWith(t, reset.customerPasswordReset.customerAccessToken.accessToken)).toBe('ok');
    expect(await accessWith(t, tokens.accessToken)).toBe('401 UNAUTHENTICATED');
    expect((await t.data(RENEW, { input: { refreshToken: tokens.refreshToken } })).customerAccessTokenRenew.userErrors[0].code).toBe(
      'INVALID_CREDENTIALS',
    );

    const again = await t.data(RESET, { input: { token, newPassword: 'another password 2' } });
    expect(again.customerPasswordReset.userErrors).toEqual([{ field: ['input', 'token'], message: expect.any(String), code: 'INVALID' }]);
    expect((await t.data(LOGIN, { input: { email, password: PASSWORD } })).customerLogin.userErrors[0].code).toBe('INVALID_CREDENTIALS');
    expect((await t.data(LOGIN, { input: { email, password: 'my new password 1' } })).customerLogin.userErrors).toEqual([]);
  });

  it('refuses an expired token, and keeps only the newest one of several requests', async () => {
    const { email } = await signUp(t);
    let before = sender.sent.length;
    await t.data(REQUEST, { input: { email } });
    const first = (await sender.last('password_reset', email, before)).token;
    before = sender.sent.length;
    await t.data(REQUEST, { input: { email } });
    const second = (await sender.last('password_reset', email, before)).token;
    expect((await t.data(RESET, { input: { token: first, newPassword: 'my new password 1' } })).customerPasswordReset.userErrors[0].code).toBe('INVALID');
    await t.app.dataSource.query(`UPDATE customer_one_time_token SET expires_at = now() - interval '1 second' WHERE purpose = 'password_reset'`);
    expect((await t.data(RESET, { input: { token: second, newPassword: 'my new password 1' } })).customerPasswordReset.userErrors[0].code).toBe('INVALID');
  });

  it('sends one account at most 3 messages in a row, answering alike', async () => {
    const { email } = await signUp(t);
    const before = sender.sent.length;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await t.data(REQUEST, { input: { email } }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sender.sent.slice(before).filter((m) => m.kind === 'password_reset' && m.to === email)).toHaveLength(3);
  });

  it('refuses a made-up or oversized token without a server error', async () => {
    for (const token of ['zpr_guess', 'x'.repeat(50_000), '']) {
      const res = await t.data(RESET, { input: { token, newPassword: 'my new password 1' } });
      expect(res.customerPasswordReset.userErrors[0].field).toEqual(['input', 'token']);
    }
  });
});

describe('email verification', () => {
  it('sends a verification message at sign-up; its token verifies the email once', async () => {
    const { email, tokens } = await signUp(t);
    expect((await t.data(VIEWER, {}, tokens.accessToken)).viewer.emailVerified).toBe(false);
    const { token } = await sender.last('email_verification', email);
    const verified = await t.data(VERIFY, { input: { token } });
    expect(verified.customerEmailVerify.userErrors).toEqual([]);
    expect(verified.customerEmailVerify.customer.emailVerified).toBe(true);
    expect((await t.data(VIEWER, {}, tokens.accessToken)).viewer.emailVerified).toBe(true);
    expect((await t.data(VERIFY, { input: { token } })).customerEmailVerify.userErrors[0].code).toBe('INVALID');
  });

  it('does not take a reset token for a verification token', async () => {
    const { email } = await signUp(t);
    await t.data(REQUEST, { input: { email } });
    const res = await t.data(VERIFY, { input: { token: (await sender.last('password_reset', email)).token } });
    expect(res.customerEmailVerify.userErrors[0].code).toBe('INVALID');
  });
});
