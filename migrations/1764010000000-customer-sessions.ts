import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer sessions (issue 9): a session is one refresh-token family (OAuth 2.0 Security BCP, RFC 9700
 * §4.14.2: reusing a rotated refresh token revokes the family); `token_version` in every access token,
 * bumped to refuse all of a customer's tokens at once; one-time tokens (password reset, email
 * verification) stored hashed; failure counters of logins and keys shared by every instance.
 */
export class CustomerSessions1764010000000 implements MigrationInterface {
  name = 'CustomerSessions1764010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE customer ADD COLUMN token_version integer NOT NULL DEFAULT 0,
                           ADD COLUMN email_verified_at timestamptz;
      CREATE TABLE customer_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      );
      CREATE INDEX customer_session_customer_idx ON customer_session (customer_id) WHERE revoked_at IS NULL;
      CREATE INDEX customer_session_expires_idx ON customer_session (expires_at);
      CREATE TABLE customer_refresh_token (
        token_hash text PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES customer_session (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz
      );
      CREATE INDEX customer_refresh_token_session_idx ON customer_refresh_token (session_id);
      CREATE TABLE customer_one_time_token (
        token_hash text PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('password_reset', 'email_verify')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX customer_one_time_token_customer_idx ON customer_one_time_token (customer_id, purpose);
      CREATE TABLE auth_throttle (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        threshold integer NOT NULL,
        max_delay_seconds integer NOT NULL,
        last_failure_at timestamptz NOT NULL,
        next_allowed_at timestamptz
      );
      CREATE INDEX auth_throttle_last_failure_idx ON auth_throttle (last_failure_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE auth_throttle, customer_one_time_token, customer_refresh_token, customer_session;
      ALTER TABLE customer DROP COLUMN token_version, DROP COLUMN email_verified_at;
    `);
  }
}
