import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `offer.promotion_id` now references `promotion` (both modules are merged; the offer engine makes offers
 * for promotions). Promotions are never deleted (archived instead), so the key only guards against an
 * offer naming a promotion that never existed. Ids that name none are cleared first (no trigger wrote
 * any before this change, so there should be none). The index serves the key's checks and "offers of a
 * promotion" reads.
 */
export class OfferPromotionFk1764190000000 implements MigrationInterface {
  name = 'OfferPromotionFk1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE offer o SET promotion_id = NULL WHERE promotion_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM promotion p WHERE p.id = o.promotion_id);
      ALTER TABLE offer ADD CONSTRAINT offer_promotion_fk FOREIGN KEY (promotion_id) REFERENCES promotion (id);
      CREATE INDEX offer_promotion_idx ON offer (promotion_id) WHERE promotion_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX offer_promotion_idx; ALTER TABLE offer DROP CONSTRAINT offer_promotion_fk');
  }
}
