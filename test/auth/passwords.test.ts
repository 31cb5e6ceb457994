import { hashPassword, OWASP_SCRYPT, verifyPassword } from '../../src/auth/passwords';
import { loadConfig } from '../../src/config';
import { startTestApp } from '../helpers/test-app';
import { LOGIN, PASSWORD, signUp } from '../modules/sign-in/accounts-fixtures';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it("defaults to OWASP's scrypt parameters (N=2^17, r=8, p=1)", () => {
    expect(OWASP_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(loadConfig({}).passwordHashing).toEqual(OWASP_SCRYPT);
  });

  it('hashes with OWASP parameters by default and verifies', async () => {
    const hash = await hashPassword(PASSWORD);
    expect(hash).toMatch(/^scrypt\$N=131072,r=8,p=1\$/);
    expect(await verifyPassword(PASSWORD, hash)).toEqual({ ok: true, needsRehash: false });
    expect((await verifyPassword('wrong', hash)).ok).toBe(false);
  });

  it('reads hashes of the old format (N only) and asks for a rehash', async () => {
    const modern = await hashPassword(PASSWORD, { N: 16_384, r: 8, p: 1 });
    const [, , salt, key] = modern.split('$');
    const legacy = `scrypt$16384$${salt}$${key}`;
    expect(await verifyPassword(PASSWORD, legacy, CHEAP)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword(PASSWORD, 'erased', CHEAP)).toEqual({ ok: false, needsRehash: false });
  });

  it('rehashes at login a hash made with older parameters', async () => {
    const older = await startTestApp({ passwordHashing: CHEAP });
    try {
      const { id, email } = await signUp(older);
      const uuid = Buffer.from(id, 'base64url').toString().split(':')[1];
      const hashOf = async () => (await older.app.dataSource.query('SELECT password_hash FROM customer WHERE id = $1', [uuid]))[0].password_hash;
      expect(await hashOf()).toMatch(/^scrypt\$N=1024,/);
      const newer = await startTestApp({ passwordHashing: { N: 2048, r: 8, p: 1 } }, { sharing: older });
      try {
        const login = await newer.data(LOGIN, { input: { email, password: PASSWORD } });
        expect(login.customerLogin.userErrors).toEqual([]);
        expect(await hashOf()).toMatch(/^scrypt\$N=2048,r=8,p=1\$/);
        expect((await newer.data(LOGIN, { input: { email, password: PASSWORD } })).customerLogin.userErrors).toEqual([]);
      } finally {
        await newer.stop();
      }
    } finally {
      await older.stop();
    }
  });
});
