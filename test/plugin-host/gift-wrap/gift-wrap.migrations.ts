import type { MigrationInterface, QueryRunner } from 'typeorm';

export class GiftWrapTables1800000000000 implements MigrationInterface {
  name = 'GiftWrapTables1800000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE gift_wrap_request (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), seller_id uuid NOT NULL, customer_id uuid, order_line_id uuid UNIQUE,
      message text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX gift_wrap_request_customer_idx ON gift_wrap_request (customer_id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gift_wrap_request');
  }
}

/** Reaches outside its prefix: the host must refuse the plugin at boot. */
export class GiftWrapAltersProduct1800000000001 implements MigrationInterface {
  name = 'GiftWrapAltersProduct1800000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE product ADD COLUMN gift_wrappable boolean');
  }
  async down(): Promise<void> {}
}

/** Writes rows of a core table. */
export class GiftWrapWritesOrders1800000000002 implements MigrationInterface {
  name = 'GiftWrapWritesOrders1800000000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE orders SET state = state WHERE false`);
  }
  async down(): Promise<void> {}
}

/** Adds a trigger to a core table. */
export class GiftWrapTriggersOnCore1800000000003 implements MigrationInterface {
  name = 'GiftWrapTriggersOnCore1800000000003';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION gift_wrap_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`);
    await q.query('CREATE TRIGGER gift_wrap_touch BEFORE UPDATE ON listing FOR EACH ROW EXECUTE FUNCTION gift_wrap_touch()');
  }
  async down(): Promise<void> {}
}
