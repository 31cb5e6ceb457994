import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: the permissions a seller accepted when installing a plugin (NULL for installations made
 * before they were recorded: those had every permission the plugin declared), and per-line options of
 * plugins on cart and order lines (CONTRACTS.md C), validated by the declaring plugin and copied to the order.
 */
export class PluginSurface1764120000000 implements MigrationInterface {
  name = 'PluginSurface1764120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE plugin_installation ADD COLUMN accepted_permissions text[]');
    await q.query(`ALTER TABLE cart_line ADD COLUMN options jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE order_line ADD COLUMN options jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_line DROP COLUMN options');
    await q.query('ALTER TABLE cart_line DROP COLUMN options');
    await q.query('ALTER TABLE plugin_installation DROP COLUMN accepted_permissions');
  }
}
