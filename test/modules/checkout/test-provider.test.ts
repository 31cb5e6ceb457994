import { randomUUID } from 'node:crypto';
import type { PaymentProvider } from '../../../src/modules/payments';
import { testPaymentBook } from '../../helpers/payments';
import { startTestApp, type TestApp } from '../../helpers/test-app';

// The test provider's capture is one statement (its book locked, the capture written only when allowed):
// its refusals and its idempotency, which checkout relies on, proven directly.

let t: TestApp;
let provider: PaymentProvider;
beforeAll(async () => {
  t = await startTestApp();
  provider = (t.app.services.payments as Map<string, PaymentProvider>).get('test')!;
});
afterAll(() => t.stop());

async function authorized(amount: number): Promise<string> {
  const result = await provider.authorize({ token: 'tok_visa', amount, currency: 'EUR', idempotencyKey: `auth_${randomUUID()}` });
  if (!result.ok) throw new Error('test: the authorization failed');
  return result.reference;
}

describe('test provider capture', () => {
  it('captures once under a key, and the same key again changes nothing', async () => {
    const ref = await authorized(1000);
    const key = `cap_${randomUUID()}`;
    await provider.capture(ref, 1000, key);
    await provider.capture(ref, 1000, key);
    expect(await testPaymentBook(t.app.dataSource, ref)).toMatchObject({ amount: 1000, captured: 1000, captures: 1 });
  });

  it('refuses to capture more than was authorized, and writes nothing', async () => {
    const ref = await authorized(1000);
    await provider.capture(ref, 600, `cap_${randomUUID()}`);
    await expect(provider.capture(ref, 500, `cap_${randomUUID()}`)).rejects.toThrow(/cannot capture 500/);
    expect(await testPaymentBook(t.app.dataSource, ref)).toMatchObject({ captured: 600, captures: 1 });
  });

  it('refuses to capture a voided authorization', async () => {
    const ref = await authorized(1000);
    await provider.void(ref, `void_${randomUUID()}`);
    await expect(provider.capture(ref, 1000, `cap_${randomUUID()}`)).rejects.toThrow(/cannot capture/);
    expect(await testPaymentBook(t.app.dataSource, ref)).toMatchObject({ captured: 0, captures: 0, voided: true });
  });

  it('refuses a key used for another operation, and an unknown payment', async () => {
    const ref = await authorized(1000);
    const key = `void_${randomUUID()}`;
    await provider.void(ref, key);
    await expect(provider.capture(ref, 1000, key)).rejects.toThrow(/was used for another request/);
    await expect(provider.capture(`pay_${randomUUID()}`, 1000, `cap_${randomUUID()}`)).rejects.toThrow(/unknown payment/);
  });
});
