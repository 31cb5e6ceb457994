import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every app instance caches which sellers installed which plugin; this trigger tells them all when an
 * installation appears, changes its config or goes, whoever wrote it (NOTIFY is delivered at commit).
 */
export class PluginInstallationNotify1763940000000 implements MigrationInterface {
  name = 'PluginInstallationNotify1763940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION plugin_installation_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        r plugin_installation := COALESCE(NEW, OLD);
      BEGIN
        PERFORM pg_notify('zoco_plugin_installation', r.plugin || ':' || r.seller_id);
        RETURN NULL;
      END $$;

      CREATE TRIGGER plugin_installation_notify
        AFTER INSERT OR DELETE OR UPDATE OF config ON plugin_installation
        FOR EACH ROW EXECUTE FUNCTION plugin_installation_notify();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER plugin_installation_notify ON plugin_installation; DROP FUNCTION plugin_installation_notify()');
  }
}
