import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `offer.created` (one outbox row per offer) became `offers.created` (one row per transaction, its offers in
 * a list: offer-create.ts). Rows of the old type still waiting for delivery at upgrade are rewritten in the
 * new shape, so their offers still reach their customers' topics and nothing is published under the old type.
 */
export class OffersCreatedBatches1764276000000 implements MigrationInterface {
  name = 'OffersCreatedBatches1764276000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE outbox SET type = 'offers.created', payload = jsonb_build_object('offers', jsonb_build_array(payload))
       WHERE type = 'offer.created' AND dispatched_at IS NULL
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // One row per offer again, in the order of the lists; the batches they came from are kept as delivered.
    await q.query(`
      WITH pending AS (
        UPDATE outbox SET dispatched_at = now() WHERE type = 'offers.created' AND dispatched_at IS NULL RETURNING id, payload
      )
      INSERT INTO outbox (type, payload)
      SELECT 'offer.created', o.offer FROM pending p, jsonb_array_elements(p.payload->'offers') WITH ORDINALITY AS o(offer, n) ORDER BY p.id, o.n
    `);
  }
}
