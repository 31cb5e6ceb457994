import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { CrashPoint } from '../../../src/config';
import { listening, startCli, type Cli } from '../../helpers/cli';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller } from '../../helpers/fixtures';
import { testPaymentBook } from '../../helpers/payments';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';

// Issue 9: the real CLI is killed (SIGKILL, through the ZOCO_TEST_CRASH_AT test hook) between the
// steps of a payment: after the authorisation (before the commit), after the commit (before the
// capture), after the capture (before the ledger knew). Restarted, it must leave exactly one charge
// per committed checkout and none for the one that did not commit, and retries must not add any.

const BUY = 'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { id total { amount } } userErrors { code } } }';
const crashes: CrashPoint[] = ['after-authorize', 'after-commit', 'after-capture'];

let t: TestApp;
let db: Client;
let buyer: TestCustomer;
let listingId: string;
let dataDir: string;

beforeAll(async () => {
  t = await startTestApp();
  const seller = await createSeller(t);
  const product = await createProduct(t, seller.key);
  listingId = await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: 2500, currency: 'EUR' }, stock: 10 });
  [buyer] = (await insertCustomers(t, 1)) as [TestCustomer];
  // From here on only the CLI serves this database; the in-process app would sweep payments too.
  await t.app.stop();
  db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  dataDir = await mkdtemp(path.join(tmpdir(), 'zoco-crash-'));
}, 180_000);

afterAll(async () => {
  await db?.end();
  await t?.stop();
});

function cli(env: Record<string, string>): Cli {
  return startCli({
    NODE_ENV: 'test',
    DATABASE_URL: t.databaseUrl,
    ZOCO_MIGRATE_ON_START: 'false',
    ZOCO_DATA_DIR: dataDir,
    ZOCO_ADMIN_KEY: ADMIN_KEY,
    ZOCO_JWT_SECRET: t.app.config.jwtSecret,
    LOG_LEVEL: 'info',
    ...env,
  });
}

async function buy(url: string, key: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}` },
    body: JSON.stringify({ query: BUY, variables: { input: { listingId, quantity: 1, idempotencyKey: key } } }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  expect(body.data.buyNow.userErrors).toEqual([]);
  return body.data.buyNow.checkout as { id: string; total: { amount: number } };
}

const query = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => (await db.query(sql, params)).rows;
const asDataSource = { query };

/** The payment attempts of one key, oldest first, each with the test provider's book of it. */
async function attempts(key: string) {
  const rows = await query(
    `SELECT p.status, p.provider_ref AS ref, p.amount, c.total AS "checkoutTotal"
       FROM payment p LEFT JOIN checkout c ON c.id = p.checkout_id
      WHERE p.customer_id = $1 AND p.idempotency_key = $2 ORDER BY p.created_at`,
    [buyer.id, key],
  );
  return Promise.all(rows.map(async (r) => ({ ...r, book: r.ref ? await testPaymentBook(asDataSource, r.ref) : undefined })));
}

const checkoutsOf = (key: string) => query('SELECT id, total FROM checkout WHERE customer_id = $1 AND idempotency_key = $2', [buyer.id, key]);

describe('a checkout killed between the payment steps', () => {
  it(
    'ends, after a restart, with exactly one capture per committed checkout and none for the one that did not commit',
    async () => {
      const keys = Object.fromEntries(crashes.map((c) => [c, randomUUID()])) as Record<CrashPoint, string>;
      for (const crash of crashes) {
        // A long sweep interval: the crashing process must not recover anything itself.
        const doomed = cli({ ZOCO_TEST_CRASH_AT: crash, ZOCO_PAYMENT_RECOVERY_SECONDS: '3600' });
        try {
          const url = await listening(doomed, 120_000);
          await expect(buy(url, keys[crash])).rejects.toThrow();
          expect(await doomed.exited).toBe('SIGKILL');
        } finally {
          if (doomed.child.exitCode === null && doomed.child.signalCode === null) doomed.child.kill('SIGKILL');
        }
      }

      // What each crash left behind: an authorisation without a checkout; a committed checkout whose
      // payment is authorised only; a captured payment the ledger still thinks authorised.
      expect(await checkoutsOf(keys['after-authorize'])).toEqual([]);
      expect(await attempts(keys['after-authorize'])).toMatchObject([{ status: 'pending', ref: null }]);
      expect(await query(`SELECT operation FROM test_payment WHERE operation = 'authorize' AND amount = 2999 AND reference NOT IN
                            (SELECT provider_ref FROM payment WHERE provider_ref IS NOT NULL)`)).toHaveLength(1);
      expect(await attempts(keys['after-commit'])).toMatchObject([{ status: 'authorized', checkoutTotal: 2999, book: { captures: 0 } }]);
      expect(await attempts(keys['after-capture'])).toMatchObject([{ status: 'authorized', checkoutTotal: 2999, book: { captures: 1 } }]);

      const restarted = cli({ ZOCO_PAYMENT_RECOVERY_SECONDS: '1' });
      try {
        const url = await listening(restarted, 120_000);
        for (let i = 0; i < 150; i++) {
          const [{ open }] = await query(`SELECT count(*)::int AS open FROM payment WHERE status IN ('pending', 'authorized')`);
          if (open === 0) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(restarted.output()).toMatch(/payment recovery settled payments/);

        const [lost] = await attempts(keys['after-authorize']);
        expect(lost).toMatchObject({ status: 'voided', checkoutTotal: null, book: { amount: 2999, captures: 0, voided: true } });
        for (const crash of ['after-commit', 'after-capture'] as const) {
          expect(await attempts(keys[crash])).toMatchObject([
            { status: 'captured', checkoutTotal: 2999, book: { amount: 2999, captured: 2999, captures: 1, voided: false } },
          ]);
        }

        // The buyer retries every request with its key: the committed ones are answered as they were,
        // the lost one is bought now, with a new authorisation; no retry charges twice.
        for (const crash of crashes) {
          const before = await checkoutsOf(keys[crash]);
          const checkout = await buy(url, keys[crash]);
          expect(checkout.total.amount).toBe(2999);
          if (before.length) expect(Buffer.from(checkout.id, 'base64url').toString()).toBe(`Checkout:${before[0].id}`);
        }
        for (const crash of crashes) {
          expect(await checkoutsOf(keys[crash])).toHaveLength(1);
          const captured = (await attempts(keys[crash])).filter((a) => a.book?.captures);
          expect(captured).toMatchObject([{ status: 'captured', book: { captured: 2999, captures: 1 } }]);
        }
        const [{ charges }] = await query(
          `SELECT count(*)::int AS charges FROM test_payment t JOIN payment p ON p.provider_ref = t.reference
            WHERE p.customer_id = $1 AND t.operation = 'capture'`,
          [buyer.id],
        );
        expect(charges).toBe(3);
        const [{ stock }] = await query('SELECT stock FROM listing WHERE id = $1', [Buffer.from(listingId, 'base64url').toString().split(':')[1]]);
        expect(stock).toBe(10 - 3);
        restarted.child.kill('SIGTERM');
        expect(await restarted.exited).toBe(0);
      } finally {
        if (restarted.child.exitCode === null && restarted.child.signalCode === null) restarted.child.kill('SIGKILL');
      }
    },
    360_000,
  );
});
