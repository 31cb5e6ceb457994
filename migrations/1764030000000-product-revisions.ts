import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who changed a shared product's content and when (issue 9): one row per productUpdate or revert, with the
 * changed fields as `{ "<field>": { "old": …, "new": … } }` in the product's own column values. `seq` orders
 * the history and is its page cursor.
 */
export class ProductRevisions1764030000000 implements MigrationInterface {
  name = 'ProductRevisions1764030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE product_revision (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        product_id uuid NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        actor_kind text NOT NULL CHECK (actor_kind IN ('seller', 'operator')),
        actor_seller_id uuid REFERENCES seller(id),
        changes jsonb NOT NULL,
        reverts_revision_id uuid REFERENCES product_revision(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((actor_kind = 'seller') = (actor_seller_id IS NOT NULL))
      )`);
    await q.query('CREATE INDEX product_revision_product_seq ON product_revision (product_id, seq DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE product_revision');
  }
}
