import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A customer's open WebSockets close when their access token stops counting (issue 9): these triggers
 * tell every app instance when a session is revoked (`session:<id>`), when the customer's token version
 * moves (`customer:<id>:<version>`: logout everywhere, password change and reset; tokens of older
 * versions are refused) and when the customer is erased (`customer:<id>`). They share one channel,
 * `zoco_socket_access`, with the seller keys' triggers of 1764020000000, moved to it, so one LISTEN
 * connection per instance hears both (NOTIFY is delivered at commit).
 */
export class CustomerSocketAccess1764060000000 implements MigrationInterface {
  name = 'CustomerSocketAccess1764060000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ${sellerFunctions('zoco_socket_access')}

      CREATE FUNCTION customer_session_revoked_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('zoco_socket_access', 'session:' || NEW.id);
        RETURN NULL;
      END $$;
      CREATE TRIGGER customer_session_revoked_notify
        AFTER UPDATE OF revoked_at ON customer_session
        FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL)
        EXECUTE FUNCTION customer_session_revoked_notify();

      CREATE FUNCTION customer_access_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.erased_at IS NOT NULL THEN
          PERFORM pg_notify('zoco_socket_access', 'customer:' || NEW.id);
        ELSE
          PERFORM pg_notify('zoco_socket_access', 'customer:' || NEW.id || ':' || NEW.token_version);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER customer_access_notify
        AFTER UPDATE OF token_version, erased_at ON customer
        FOR EACH ROW WHEN (NEW.token_version IS DISTINCT FROM OLD.token_version
                           OR (NEW.erased_at IS NOT NULL AND OLD.erased_at IS NULL))
        EXECUTE FUNCTION customer_access_notify();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER customer_access_notify ON customer;
      DROP FUNCTION customer_access_notify();
      DROP TRIGGER customer_session_revoked_notify ON customer_session;
      DROP FUNCTION customer_session_revoked_notify();
      ${sellerFunctions('zoco_seller_access')}
    `);
  }
}

/** 1764020000000's seller trigger functions, notifying on `channel`. */
const sellerFunctions = (channel: string) => `
      CREATE OR REPLACE FUNCTION seller_api_key_revoked_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${channel}', 'key:' || OLD.id);
        RETURN NULL;
      END $$;
      CREATE OR REPLACE FUNCTION seller_suspended_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${channel}', 'seller:' || NEW.id);
        RETURN NULL;
      END $$;`;
