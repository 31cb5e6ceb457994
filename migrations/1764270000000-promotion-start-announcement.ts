import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `promotion.started` is emitted when a promotion really starts (issue 16): `announced_at` is when its
 * start was announced, NULL while it is still to be. promotionCreate, promotionUpdate and promotionResume
 * announce a promotion that is running already, under its row lock; the timer (promotion-start.ts) claims
 * the due ones with SKIP LOCKED and writes the outbox row in the same statement. The partial index holds
 * only what is still to be announced, so the timer's scan stays small however many promotions there are.
 *
 * Backfill: a promotion whose start has passed was announced by promotionCreate / promotionResume, except
 * one created with a later start that runs now: that announcement found it not started and made nothing,
 * so it stays NULL and the timer announces it once (offers dedupe on `promotion:<id>`: nobody gets two).
 */
export class PromotionStartAnnouncement1764270000000 implements MigrationInterface {
  name = 'PromotionStartAnnouncement1764270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE promotion ADD COLUMN announced_at timestamptz;
      UPDATE promotion SET announced_at = starts_at
       WHERE starts_at <= now()
         AND NOT (status = 'active' AND starts_at > created_at AND (ends_at IS NULL OR ends_at > now()));
      CREATE INDEX promotion_unannounced_idx ON promotion (starts_at) WHERE announced_at IS NULL AND status = 'active';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX promotion_unannounced_idx; ALTER TABLE promotion DROP COLUMN announced_at');
  }
}
