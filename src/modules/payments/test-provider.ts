import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import {
  PaymentProviderUnavailable,
  type AuthorizationResult,
  type CardDetails,
  type PaymentProvider,
} from './payment-provider';

/** Documented test tokens (README, "Payments"): each behaves like a card in that situation. */
export const testTokens: Record<string, CardDetails & { outcome: 'success' | 'declined' | 'insufficient_funds' | 'network_error' }> = {
  tok_visa: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, outcome: 'success' },
  tok_mastercard: { brand: 'mastercard', last4: '4444', expMonth: 6, expYear: 2031, outcome: 'success' },
  tok_declined: { brand: 'visa', last4: '0002', expMonth: 12, expYear: 2030, outcome: 'declined' },
  tok_insufficient_funds: { brand: 'visa', last4: '9995', expMonth: 12, expYear: 2030, outcome: 'insufficient_funds' },
  tok_network_error: { brand: 'visa', last4: '0119', expMonth: 12, expYear: 2030, outcome: 'network_error' },
};

const OUTCOMES = {
  approved: null,
  declined: { code: 'PAYMENT_DECLINED', message: 'The card was declined.' },
  insufficient_funds: { code: 'INSUFFICIENT_FUNDS', message: 'The card has insufficient funds.' },
} as const;

type Outcome = keyof typeof OUTCOMES;

function result(reference: string, outcome: Outcome): AuthorizationResult {
  const failure = OUTCOMES[outcome];
  return failure ? { ok: false, ...failure } : { ok: true, reference };
}

/** What the test provider's book says of one authorization, and of the operation under a key if it was made. */
interface Book {
  amount: number;
  captured: number;
  refunded: number;
  voided: boolean;
  earlier: { operation: string; reference: string; refundRef: string | null } | null;
}

/** The book of authorization $1 (locked: one operation per payment at a time) and the operation made under key $2, if any. */
const BOOK_SQL = `SELECT a.amount,
         (SELECT coalesce(sum(amount), 0) FROM test_payment WHERE reference = $1 AND operation = 'capture')::bigint AS captured,
         (SELECT coalesce(sum(amount), 0) FROM test_payment WHERE reference = $1 AND operation = 'refund')::bigint AS refunded,
         EXISTS (SELECT 1 FROM test_payment WHERE reference = $1 AND operation = 'void') AS voided,
         (SELECT json_build_object('operation', operation, 'reference', reference, 'refundRef', refund_ref)
            FROM test_payment WHERE idempotency_key = $2) AS earlier
    FROM test_payment a WHERE a.reference = $1 AND a.operation = 'authorize' AND a.outcome = 'approved' FOR UPDATE`;

/**
 * The built-in provider for development and tests. Like a real one it lives outside the checkout's
 * transaction: its book (`test_payment`: authorizations, captures, voids and refunds, one row per
 * idempotency key) is written through its own small pool, so it survives a crash of the app and
 * never waits for the app's connections. Refusals (over-capture, capture after void) are errors.
 * Its statements of every purchase (authorize, capture) are named, so each connection parses and plans them
 * once (they were 0.4 ms of parse and plan per checkout under the checkout bench).
 */
export function createTestPaymentProvider({ databaseUrl, log }: { databaseUrl: string; log?: Logger }): PaymentProvider {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8, application_name: 'zoco-test-payments' });
  pool.on('error', (err) => log?.warn({ err }, 'test payment provider lost an idle database connection'));

  /**
   * Runs `fn` with the authorization row of `reference` locked (one operation per payment at a time),
   * or answers the earlier operation under `key`, which must be the same operation on the same payment.
   */
  async function locked<T>(
    reference: string,
    key: string,
    operation: string,
    fn: (client: pg.PoolClient, book: Book) => Promise<T>,
  ): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query({ name: 'test-payment-book', text: BOOK_SQL, values: [reference, key] });
      const row = rows[0];
      if (!row) throw new Error(`test provider: unknown payment ${reference}`);
      if (row.earlier && (row.earlier.operation !== operation || row.earlier.reference !== reference)) {
        throw new Error(`test provider: idempotency key ${key} was used for another request`);
      }
      const out = await fn(client, { ...row, amount: Number(row.amount), captured: Number(row.captured), refunded: Number(row.refunded) });
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  return {
    name: 'test',
    async describe(token) {
      const card = testTokens[token];
      return card ? { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear } : null;
    },
    async authorize({ token, amount, currency, idempotencyKey }) {
      const card = testTokens[token];
      if (card?.outcome === 'network_error') throw new PaymentProviderUnavailable('test provider: network failure (tok_network_error)');
      const outcome: Outcome = !card || card.outcome === 'declined' ? 'declined' : card.outcome === 'insufficient_funds' ? 'insufficient_funds' : 'approved';
      const { rows } = await pool.query({
        name: 'test-payment-authorize',
        text: `WITH made AS (
           INSERT INTO test_payment (idempotency_key, operation, reference, outcome, amount, currency) VALUES ($1, 'authorize', $2, $3, $4, $5)
           ON CONFLICT (idempotency_key) DO NOTHING RETURNING operation, reference, outcome)
         SELECT * FROM made UNION ALL SELECT operation, reference, outcome FROM test_payment WHERE idempotency_key = $1 LIMIT 1`,
        values: [idempotencyKey, `pay_${randomUUID()}`, outcome, amount, currency],
      });
      // A concurrent first use of the key committed after this statement's snapshot: read it now.
      const row = (rows[0] ?? (await pool.query('SELECT operation, reference, outcome FROM test_payment WHERE idempotency_key = $1', [idempotencyKey])).rows[0]) as {
        operation: string;
        reference: string;
        outcome: Outcome;
      };
      if (row.operation !== 'authorize') throw new Error(`test provider: idempotency key ${idempotencyKey} was used for another request`);
      return result(row.reference, row.outcome);
    },
    async findAuthorization(idempotencyKey) {
      const { rows } = await pool.query(
        `SELECT reference FROM test_payment WHERE idempotency_key = $1 AND operation = 'authorize' AND outcome = 'approved'`,
        [idempotencyKey],
      );
      return rows[0] ? { reference: rows[0].reference as string } : null;
    },
    async capture(reference, amount, idempotencyKey) {
      // What `locked` does for refunds and voids, in one statement (every purchase captures): the book read and
      // locked as there, and the capture written only when the book allows it; the refusals are then decided from
      // the same row. One round trip instead of four (BEGIN, the book, the insert, COMMIT).
      const { rows } = await pool.query({
        name: 'test-payment-capture',
        text: `WITH book AS (${BOOK_SQL}),
               made AS (
                 INSERT INTO test_payment (idempotency_key, operation, reference, amount)
                 SELECT $2, 'capture', $1, $3::bigint FROM book
                  WHERE book.earlier IS NULL AND NOT book.voided AND book.captured + $3::bigint <= book.amount
                 RETURNING 1)
               SELECT book.*, EXISTS (SELECT 1 FROM made) AS made FROM book`,
        values: [reference, idempotencyKey, amount],
      });
      const row = rows[0];
      if (!row) throw new Error(`test provider: unknown payment ${reference}`);
      if (row.earlier && (row.earlier.operation !== 'capture' || row.earlier.reference !== reference)) {
        throw new Error(`test provider: idempotency key ${idempotencyKey} was used for another request`);
      }
      if (row.earlier || row.made) return;
      throw new Error(`test provider: cannot capture ${amount} of ${reference}`);
    },
    async refund(reference, amount, idempotencyKey) {
      return locked(reference, idempotencyKey, 'refund', async (client, book) => {
        if (book.earlier) return book.earlier.refundRef!;
        if (book.refunded + amount > book.captured) throw new Error(`test provider: cannot refund ${amount} of ${reference}`);
        const refundRef = `re_${randomUUID()}`;
        await client.query(
          `INSERT INTO test_payment (idempotency_key, operation, reference, amount, refund_ref) VALUES ($1, 'refund', $2, $3, $4)`,
          [idempotencyKey, reference, amount, refundRef],
        );
        return refundRef;
      });
    },
    async void(reference, idempotencyKey) {
      await locked(reference, idempotencyKey, 'void', async (client, book) => {
        if (book.earlier || book.voided) return;
        if (book.captured > 0) throw new Error(`test provider: cannot void ${reference}, it was captured`);
        await client.query(`INSERT INTO test_payment (idempotency_key, operation, reference) VALUES ($1, 'void', $2)`, [idempotencyKey, reference]);
      });
    },
    async close() {
      await pool.end();
    },
  };
}
