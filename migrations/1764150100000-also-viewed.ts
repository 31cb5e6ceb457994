import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: "customers who viewed this also viewed" from the personalization touchpoints (PRODUCT_VIEWED of
 * consenting customers), the same counts as also-bought over a customer's day of views (recommendations
 * module, co-view.ts); and product views in product_popularity (reviews module), once per touchpoint.
 */
export class AlsoViewed1764150100000 implements MigrationInterface {
  name = 'AlsoViewed1764150100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE view_session_item (
        session_id text NOT NULL,
        product_id uuid NOT NULL,
        PRIMARY KEY (session_id, product_id)
      )`);
    await q.query('CREATE TABLE view_counted_touchpoint (touchpoint_id uuid PRIMARY KEY, counted_at timestamptz NOT NULL DEFAULT now())');
    await q.query('CREATE TABLE product_view_count (product_id uuid PRIMARY KEY, baskets integer NOT NULL)');
    await q.query('CREATE TABLE product_view_pair (a uuid NOT NULL, b uuid NOT NULL, count integer NOT NULL, PRIMARY KEY (a, b))');
    await q.query('CREATE INDEX product_view_pair_top ON product_view_pair (a, count DESC, b)');
    await q.query(`
      CREATE TABLE also_viewed (
        product_id uuid NOT NULL,
        rank smallint NOT NULL,
        other_id uuid NOT NULL,
        co_count integer NOT NULL,
        score real NOT NULL,
        PRIMARY KEY (product_id, rank)
      )`);
    await q.query('CREATE TABLE popularity_counted_view (touchpoint_id uuid PRIMARY KEY, counted_at timestamptz NOT NULL DEFAULT now())');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE popularity_counted_view, also_viewed, product_view_pair, product_view_count, view_counted_touchpoint, view_session_item');
  }
}
