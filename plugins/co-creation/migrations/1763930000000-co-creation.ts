import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Proposals customers make to a seller, and their votes. */
export class CoCreation1763930000000 implements MigrationInterface {
  name = 'CoCreation1763930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE co_creation_proposal (
        id uuid PRIMARY KEY,
        seller_id uuid NOT NULL REFERENCES seller (id),
        customer_id uuid NOT NULL REFERENCES customer (id),
        title text NOT NULL,
        description text NOT NULL,
        image_url text,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected', 'converted')),
        votes integer NOT NULL DEFAULT 0 CHECK (votes >= 0),
        approved_at timestamptz,
        rejected_at timestamptz,
        rejection_reason text,
        converted_at timestamptz,
        product_id uuid UNIQUE REFERENCES product (id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX co_creation_proposal_list_idx ON co_creation_proposal (seller_id, status, id DESC);
      CREATE INDEX co_creation_proposal_customer_idx ON co_creation_proposal (customer_id, seller_id, status);

      CREATE TABLE co_creation_vote (
        proposal_id uuid NOT NULL REFERENCES co_creation_proposal (id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customer (id),
        seller_id uuid NOT NULL REFERENCES seller (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (proposal_id, customer_id)
      );
      CREATE INDEX co_creation_vote_seller_idx ON co_creation_vote (seller_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE co_creation_vote, co_creation_proposal');
  }
}
