import { startTestApp, type TestApp } from '../../helpers/test-app';
import { LOGIN, PASSWORD, requestFrom, signUp } from './accounts-fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ trustedProxies: ['127.0.0.1'] });
});
afterAll(() => t.stop());

async function login(address: string, email: string, password: string): Promise<string> {
  const res = await requestFrom(t.app.url, address, LOGIN, { input: { email, password } });
  if (res.errors?.length) return res.errors[0]!.extensions?.['code'];
  const { userErrors } = res.data.customerLogin;
  return userErrors.length ? userErrors[0].code : 'OK';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('login throttling', () => {
  it('slows a password guesser down after 5 failures, tells when to retry, and lets the owner in from elsewhere', async () => {
    const { email } = await signUp(t);
    const attacker = '203.0.113.10';
    const results: string[] = [];
    for (let i = 0; i < 8; i++) results.push(await login(attacker, email, `guess number ${i}`));
    expect(results).toEqual([...Array(5).fill('INVALID_CREDENTIALS'), 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    const limited = await requestFrom(t.app.url, attacker, LOGIN, { input: { email, password: PASSWORD } });
    expect(limited.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThanOrEqual(1);
    // Even the right password waits at the guesser's address; the owner elsewhere is not locked out.
    expect(await login(attacker, email, PASSWORD)).toBe('RATE_LIMITED');
    expect(await login('198.51.100.20', email, PASSWORD)).toBe('OK');
  });

  it('doubles the delay with each further failure, and a right password after it clears the pair', async () => {
    const { email } = await signUp(t);
    const address = '203.0.113.11';
    for (let i = 0; i < 5; i++) expect(await login(address, email, 'wrong password')).toBe('INVALID_CREDENTIALS');
    await sleep(1100);
    expect(await login(address, email, 'wrong password')).toBe('INVALID_CREDENTIALS');
    await sleep(1100);
    // The 6th failure set a 2 s delay.
    expect(await login(address, email, 'wrong password')).toBe('RATE_LIMITED');
    await sleep(1000);
    expect(await login(address, email, PASSWORD)).toBe('OK');
    expect(await login(address, email, 'a typo once')).toBe('INVALID_CREDENTIALS');
    expect(await login(address, email, PASSWORD)).toBe('OK');
  });

  it('counts a burst of parallel guesses before checking them', async () => {
    const { email } = await signUp(t);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => login('203.0.113.12', email, `parallel guess ${i}`)));
    expect(results.filter((r) => r === 'INVALID_CREDENTIALS')).toHaveLength(5);
    expect(results.filter((r) => r === 'RATE_LIMITED')).toHaveLength(15);
  });

  it('caps the failures of one address over many accounts (password spraying)', async () => {
    const sprayer = '203.0.113.13';
    const victims = await Promise.all(Array.from({ length: 8 }, () => signUp(t)));
    const results: string[] = [];
    for (let i = 0; i < 32; i++) results.push(await login(sprayer, victims[i % 8]!.email, `spray ${i}`));
    expect(results.slice(0, 30).every((r) => r === 'INVALID_CREDENTIALS')).toBe(true);
    expect(results.slice(30)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    expect(await login(sprayer, victims[0]!.email, PASSWORD)).toBe('RATE_LIMITED');
    expect(await login('198.51.100.21', victims[0]!.email, PASSWORD)).toBe('OK');
  });

  it('keeps an account usable by its owner under a guessing attack from many addresses', async () => {
    const { email } = await signUp(t);
    const results: string[] = [];
    for (let a = 0; a < 15; a++) {
      for (let i = 0; i < 3; i++) results.push(await login(`192.0.2.${a}`, email, `distributed ${a} ${i}`));
    }
    // Addresses that failed before share the account's delay ...
    expect(results).toContain('RATE_LIMITED');
    // ... an address new to the account does not wait.
    expect(await login('198.51.100.22', email, PASSWORD)).toBe('OK');
  });

  it('throttles checks of the current password in customerPasswordChange like logins', async () => {
    const { tokens } = await signUp(t);
    const CHANGE = `mutation ($input: CustomerPasswordChangeInput!) { customerPasswordChange(input: $input) { userErrors { code } } }`;
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await requestFrom(t.app.url, '203.0.113.14', CHANGE, { input: { currentPassword: `guess ${i}`, newPassword: 'a brand new secret' } }, tokens.accessToken);
      codes.push(res.errors?.[0]?.extensions?.['code'] ?? res.data.customerPasswordChange.userErrors[0].code);
    }
    expect(codes).toEqual([...Array(5).fill('INVALID_CREDENTIALS'), 'RATE_LIMITED']);
  });
});
