import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments authorised in the checkout transaction and captured after its commit (issue 9). A `payment`
 * row is opened (`pending`) before the transaction, so an authorisation whose checkout never committed
 * can be found and voided; the transaction links it to its checkout as `authorized`; the capture after
 * commit (or the recovery sweep) makes it `captured`. One row per attempt of a (customer, key) pair;
 * `provider_key` is the idempotency key the provider sees: derived from the customer's key, and the
 * same for every call of one attempt. `test_payment` is the built-in test provider's own book, kept in
 * the database so that a crashed process leaves it behind for tests to read.
 */
export class PaymentAuthorizations1764040000000 implements MigrationInterface {
  name = 'PaymentAuthorizations1764040000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE payment
        ALTER COLUMN checkout_id DROP NOT NULL,
        ALTER COLUMN provider_ref DROP NOT NULL,
        ADD COLUMN customer_id uuid REFERENCES customer (id),
        ADD COLUMN idempotency_key text,
        ADD COLUMN provider_key text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      UPDATE payment p SET customer_id = c.customer_id, idempotency_key = c.idempotency_key, provider_key = 'checkout_' || c.id
        FROM checkout c WHERE c.id = p.checkout_id;
      ALTER TABLE payment
        ALTER COLUMN customer_id SET NOT NULL,
        ALTER COLUMN idempotency_key SET NOT NULL,
        ALTER COLUMN provider_key SET NOT NULL,
        DROP CONSTRAINT payment_status_check,
        ADD CONSTRAINT payment_status_check
          CHECK (status IN ('pending', 'authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'failed')),
        ADD CONSTRAINT payment_provider_key_unique UNIQUE (provider, provider_key);
      CREATE INDEX payment_open_idx ON payment (updated_at) WHERE status IN ('pending', 'authorized');

      CREATE TABLE test_payment (
        idempotency_key text PRIMARY KEY,
        operation text NOT NULL CHECK (operation IN ('authorize', 'capture', 'void', 'refund')),
        reference text NOT NULL,
        outcome text NOT NULL DEFAULT 'approved' CHECK (outcome IN ('approved', 'declined', 'insufficient_funds')),
        amount bigint NOT NULL DEFAULT 0 CHECK (amount >= 0),
        currency char(3),
        refund_ref text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX test_payment_reference_idx ON test_payment (reference);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE test_payment;
      DELETE FROM payment WHERE checkout_id IS NULL;
      DROP INDEX payment_open_idx;
      ALTER TABLE payment
        DROP CONSTRAINT payment_provider_key_unique,
        DROP CONSTRAINT payment_status_check,
        DROP COLUMN updated_at,
        DROP COLUMN provider_key,
        DROP COLUMN idempotency_key,
        DROP COLUMN customer_id;
      UPDATE payment SET status = 'captured' WHERE status = 'authorized';
      ALTER TABLE payment
        ADD CONSTRAINT payment_status_check CHECK (status IN ('captured', 'partially_refunded', 'refunded')),
        ALTER COLUMN provider_ref SET NOT NULL,
        ALTER COLUMN checkout_id SET NOT NULL;
    `);
  }
}
