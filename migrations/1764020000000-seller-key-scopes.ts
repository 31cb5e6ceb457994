import type { MigrationInterface, QueryRunner } from 'typeorm';

const ALL = [
  'catalog:write', 'stock:write', 'orders:read', 'orders:fulfil', 'orders:refund', 'customers:read',
  'promotions:write', 'complaints:write', 'plugins:write', 'webhooks:write', 'settings:write', 'keys:write',
];
const array = (scopes: string[]) => `ARRAY[${scopes.map((s) => `'${s}'`).join(', ')}]::text[]`;

/**
 * Seller key scopes cover every seller operation (issue 9). Keys made with the old default (all three
 * scopes) keep doing everything; narrower keys keep what their scopes covered (stock was catalog:write,
 * plugins and webhooks were settings:write) and lose what was unscoped before (orders, buyer contact).
 *
 * Every app instance closes the WebSockets of a key when it is revoked, and of a seller when it is
 * suspended: these triggers tell them all, whoever wrote the change (NOTIFY is delivered at commit).
 */
export class SellerKeyScopes1764020000000 implements MigrationInterface {
  name = 'SellerKeyScopes1764020000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE seller_api_key SET scopes = ${array(ALL)}
       WHERE scopes @> ARRAY['catalog:write', 'settings:write', 'keys:write']::text[];
      UPDATE seller_api_key SET scopes = scopes || ARRAY['stock:write']::text[]
       WHERE 'catalog:write' = ANY (scopes) AND NOT 'stock:write' = ANY (scopes);
      UPDATE seller_api_key SET scopes = scopes || ARRAY['plugins:write', 'webhooks:write']::text[]
       WHERE 'settings:write' = ANY (scopes) AND NOT 'plugins:write' = ANY (scopes);

      CREATE FUNCTION seller_api_key_revoked_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('zoco_seller_access', 'key:' || OLD.id);
        RETURN NULL;
      END $$;
      CREATE TRIGGER seller_api_key_revoked_notify
        AFTER UPDATE OF revoked_at ON seller_api_key
        FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL)
        EXECUTE FUNCTION seller_api_key_revoked_notify();
      CREATE TRIGGER seller_api_key_deleted_notify
        AFTER DELETE ON seller_api_key
        FOR EACH ROW EXECUTE FUNCTION seller_api_key_revoked_notify();

      CREATE FUNCTION seller_suspended_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('zoco_seller_access', 'seller:' || NEW.id);
        RETURN NULL;
      END $$;
      CREATE TRIGGER seller_suspended_notify
        AFTER UPDATE OF status ON seller
        FOR EACH ROW WHEN (NEW.status <> 'active' AND OLD.status = 'active')
        EXECUTE FUNCTION seller_suspended_notify();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER seller_suspended_notify ON seller;
      DROP FUNCTION seller_suspended_notify();
      DROP TRIGGER seller_api_key_deleted_notify ON seller_api_key;
      DROP TRIGGER seller_api_key_revoked_notify ON seller_api_key;
      DROP FUNCTION seller_api_key_revoked_notify();
      UPDATE seller_api_key
         SET scopes = ARRAY(SELECT s FROM unnest(scopes) s WHERE s IN ('catalog:write', 'settings:write', 'keys:write'));
    `);
  }
}
