import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: verified reviews (one per delivered order line), their edits, helpful votes and abuse
 * reports; rating summaries per product and per seller kept in the review's transaction; likes and the
 * popularity counters the product sorts (and search, i12-search) read; and the co-purchase tables of
 * "customers who bought this also bought" (recommendations module).
 *
 * The seeded seller ratings are replaced by the prior of src/modules/reviews/seller-rating.ts (4.00 with no
 * reviews): from now on only reviews move them.
 */
export class ReviewsLikesRecommendations1764150000000 implements MigrationInterface {
  name = 'ReviewsLikesRecommendations1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE review (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_line_id uuid NOT NULL UNIQUE REFERENCES order_line(id),
        order_id uuid NOT NULL REFERENCES orders(id),
        customer_id uuid NOT NULL REFERENCES customer(id),
        product_id uuid NOT NULL REFERENCES product(id),
        seller_id uuid NOT NULL REFERENCES seller(id),
        rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
        title text NOT NULL,
        body text NOT NULL,
        photos text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'hidden')),
        helpful_count integer NOT NULL DEFAULT 0,
        report_count integer NOT NULL DEFAULT 0,
        edit_count integer NOT NULL DEFAULT 0,
        hidden_reason text,
        reply_body text,
        replied_at timestamptz,
        last_reported_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX review_product_newest ON review (product_id, created_at DESC, id DESC) WHERE status = \'published\'');
    await q.query('CREATE INDEX review_seller_newest ON review (seller_id, created_at DESC, id DESC) WHERE status = \'published\'');
    await q.query('CREATE INDEX review_customer ON review (customer_id)');
    await q.query('CREATE INDEX review_reported ON review (last_reported_at DESC, id DESC) WHERE report_count > 0');
    await q.query(`
      CREATE TABLE review_edit (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        review_id uuid NOT NULL REFERENCES review(id) ON DELETE CASCADE,
        rating smallint NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        photos text[] NOT NULL,
        written_at timestamptz NOT NULL,
        replaced_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX review_edit_review ON review_edit (review_id, id)');
    await q.query(`
      CREATE TABLE review_helpful_vote (
        review_id uuid NOT NULL REFERENCES review(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customer(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (review_id, customer_id)
      )`);
    await q.query(`
      CREATE TABLE review_report (
        review_id uuid NOT NULL REFERENCES review(id) ON DELETE CASCADE,
        reporter text NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (review_id, reporter)
      )`);
    // Published reviews only. subject: 'product' or 'seller'. average is what search and sorts read.
    await q.query(`
      CREATE TABLE rating_summary (
        subject text NOT NULL CHECK (subject IN ('product', 'seller')),
        subject_id uuid NOT NULL,
        review_count integer NOT NULL DEFAULT 0,
        rating_sum integer NOT NULL DEFAULT 0,
        count_1 integer NOT NULL DEFAULT 0,
        count_2 integer NOT NULL DEFAULT 0,
        count_3 integer NOT NULL DEFAULT 0,
        count_4 integer NOT NULL DEFAULT 0,
        count_5 integer NOT NULL DEFAULT 0,
        average real GENERATED ALWAYS AS (CASE WHEN review_count > 0 THEN rating_sum::real / review_count END) STORED,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject, subject_id),
        CHECK (review_count = count_1 + count_2 + count_3 + count_4 + count_5)
      )`);
    await q.query(`
      CREATE TABLE product_like (
        customer_id uuid NOT NULL REFERENCES customer(id),
        product_id uuid NOT NULL REFERENCES product(id),
        liked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, product_id)
      )`);
    await q.query('CREATE INDEX product_like_customer_newest ON product_like (customer_id, liked_at DESC, product_id DESC)');
    // trending_score: log2 of the time-decayed activity, shifted so it never needs decaying (reviews/trending.ts).
    await q.query(`
      CREATE TABLE product_popularity (
        product_id uuid PRIMARY KEY REFERENCES product(id),
        like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
        sales_count integer NOT NULL DEFAULT 0,
        view_count integer NOT NULL DEFAULT 0,
        trending_score float8 NOT NULL DEFAULT '-Infinity',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX product_popularity_likes ON product_popularity (like_count DESC, product_id DESC)');
    await q.query('CREATE INDEX product_popularity_trending ON product_popularity (trending_score DESC, product_id DESC)');
    await q.query('CREATE TABLE popularity_counted_order (order_id uuid PRIMARY KEY, counted_at timestamptz NOT NULL DEFAULT now())');

    // Co-purchase (recommendations module): baskets are checkouts; pairs are stored both ways.
    await q.query(`
      CREATE TABLE basket_item (
        checkout_id uuid NOT NULL,
        product_id uuid NOT NULL,
        PRIMARY KEY (checkout_id, product_id)
      )`);
    await q.query('CREATE TABLE basket_counted_order (order_id uuid PRIMARY KEY, counted_at timestamptz NOT NULL DEFAULT now())');
    await q.query('CREATE TABLE product_basket_count (product_id uuid PRIMARY KEY, baskets integer NOT NULL)');
    await q.query(`
      CREATE TABLE product_pair (
        a uuid NOT NULL,
        b uuid NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (a, b)
      )`);
    await q.query('CREATE INDEX product_pair_top ON product_pair (a, count DESC, b)');
    await q.query(`
      CREATE TABLE also_bought (
        product_id uuid NOT NULL,
        rank smallint NOT NULL,
        other_id uuid NOT NULL,
        co_count integer NOT NULL,
        score real NOT NULL,
        PRIMARY KEY (product_id, rank)
      )`);

    await q.query('ALTER TABLE seller ALTER COLUMN rating SET DEFAULT 4');
    await q.query('UPDATE seller SET rating = 4, rating_count = 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE seller ALTER COLUMN rating SET DEFAULT 0');
    await q.query(`DROP TABLE also_bought, product_pair, product_basket_count, basket_counted_order, basket_item,
      popularity_counted_order, product_popularity, product_like, rating_summary, review_report, review_helpful_vote,
      review_edit, review`);
  }
}
