import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-seller plugin installations and the retries of their failed event handlers. */
export class PluginInstallations1763920000000 implements MigrationInterface {
  name = 'PluginInstallations1763920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE plugin_installation (
        seller_id uuid NOT NULL REFERENCES seller (id),
        plugin text NOT NULL,
        config jsonb NOT NULL DEFAULT '{}',
        installed_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        failures integer NOT NULL DEFAULT 0,
        last_error text,
        last_error_at timestamptz,
        PRIMARY KEY (seller_id, plugin)
      );
      CREATE INDEX plugin_installation_plugin_idx ON plugin_installation (plugin);

      CREATE TABLE plugin_retry (
        id bigserial PRIMARY KEY,
        plugin text NOT NULL,
        seller_id uuid NOT NULL,
        event_id bigint NOT NULL REFERENCES outbox (id),
        attempts integer NOT NULL DEFAULT 1,
        next_attempt_at timestamptz NOT NULL,
        last_error text NOT NULL,
        gave_up_at timestamptz,
        UNIQUE (plugin, seller_id, event_id)
      );
      CREATE INDEX plugin_retry_due_idx ON plugin_retry (next_attempt_at) WHERE gave_up_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE plugin_retry, plugin_installation');
  }
}
