import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Customers' profiles, carts, checkouts, orders, payments, invoices and the event outbox. */
export class Buying1763900100000 implements MigrationInterface {
  name = 'Buying1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE customer ADD COLUMN erased_at timestamptz;

      ALTER TABLE seller
        ADD COLUMN shipping_rate bigint NOT NULL DEFAULT 499 CHECK (shipping_rate >= 0),
        ADD COLUMN free_shipping_threshold bigint CHECK (free_shipping_threshold >= 0),
        ADD COLUMN invoice_prefix text,
        ADD COLUMN address jsonb;

      -- VAT class of the goods in a category; rates per class and country live in code (invoices/vat-rates.ts).
      ALTER TABLE category ADD COLUMN tax_class text NOT NULL DEFAULT 'standard'
        CHECK (tax_class IN ('standard', 'reduced', 'super_reduced'));

      CREATE TABLE customer_address (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        name text NOT NULL,
        line1 text NOT NULL,
        line2 text,
        city text NOT NULL,
        region text,
        postal_code text NOT NULL,
        country char(2) NOT NULL,
        phone text,
        is_default_shipping boolean NOT NULL DEFAULT false,
        is_default_billing boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX customer_address_customer_idx ON customer_address (customer_id);
      CREATE UNIQUE INDEX customer_address_default_shipping_idx ON customer_address (customer_id) WHERE is_default_shipping;
      CREATE UNIQUE INDEX customer_address_default_billing_idx ON customer_address (customer_id) WHERE is_default_billing;

      CREATE TABLE payment_method (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        provider text NOT NULL,
        token text NOT NULL,
        brand text NOT NULL,
        last4 text NOT NULL,
        exp_month integer NOT NULL,
        exp_year integer NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX payment_method_customer_idx ON payment_method (customer_id);
      CREATE UNIQUE INDEX payment_method_default_idx ON payment_method (customer_id) WHERE is_default;

      CREATE TABLE customer_consent (
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('marketing', 'personalization', 'share_profile_with_sellers')),
        granted boolean NOT NULL,
        source text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, kind)
      );

      CREATE TABLE cart (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid REFERENCES customer (id),
        currency char(3) NOT NULL,
        email text,
        shipping_address jsonb,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'merged')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX cart_active_customer_idx ON cart (customer_id) WHERE status = 'active' AND customer_id IS NOT NULL;

      CREATE TABLE cart_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cart_id uuid NOT NULL REFERENCES cart (id) ON DELETE CASCADE,
        listing_id uuid NOT NULL REFERENCES listing (id),
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
        -- The price when the line was added: a later change is reported as a warning.
        price_at_add bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (cart_id, listing_id)
      );

      CREATE TABLE checkout (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customer (id),
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        cart_id uuid REFERENCES cart (id),
        total bigint NOT NULL,
        currency char(3) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (customer_id, idempotency_key)
      );

      CREATE TABLE payment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        checkout_id uuid NOT NULL REFERENCES checkout (id),
        provider text NOT NULL,
        provider_ref text NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount BETWEEN 0 AND amount),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('captured', 'partially_refunded', 'refunded')),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX payment_checkout_idx ON payment (checkout_id);

      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        checkout_id uuid NOT NULL REFERENCES checkout (id),
        seller_id uuid NOT NULL REFERENCES seller (id),
        customer_id uuid NOT NULL REFERENCES customer (id),
        state text NOT NULL CHECK (state IN ('placed', 'paid', 'fulfilled', 'delivered', 'cancelled')),
        currency char(3) NOT NULL,
        subtotal bigint NOT NULL,
        shipping bigint NOT NULL,
        tax bigint NOT NULL,
        total bigint NOT NULL,
        shipping_address jsonb NOT NULL,
        carrier text,
        tracking_number text,
        cancel_reason text,
        cancelled_by text,
        placed_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz,
        fulfilled_at timestamptz,
        delivered_at timestamptz,
        cancelled_at timestamptz
      );
      CREATE INDEX orders_seller_idx ON orders (seller_id, placed_at DESC, id DESC);
      CREATE INDEX orders_customer_idx ON orders (customer_id, placed_at DESC, id DESC);
      CREATE INDEX orders_checkout_idx ON orders (checkout_id);

      CREATE TABLE order_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders (id),
        listing_id uuid NOT NULL REFERENCES listing (id),
        product_id uuid NOT NULL REFERENCES product (id),
        variant_id uuid NOT NULL REFERENCES product_variant (id),
        title text NOT NULL,
        variant_title text NOT NULL,
        sku text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price bigint NOT NULL,
        total bigint NOT NULL,
        tax_class text NOT NULL,
        position integer NOT NULL
      );
      CREATE INDEX order_line_order_idx ON order_line (order_id, position);

      CREATE TABLE invoice_counter (
        seller_id uuid NOT NULL REFERENCES seller (id),
        series text NOT NULL,
        year integer NOT NULL,
        last_number integer NOT NULL,
        PRIMARY KEY (seller_id, series, year)
      );

      CREATE TABLE invoice (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seller_id uuid NOT NULL REFERENCES seller (id),
        order_id uuid NOT NULL REFERENCES orders (id),
        customer_id uuid NOT NULL REFERENCES customer (id),
        kind text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
        corrects_invoice_id uuid REFERENCES invoice (id),
        series text NOT NULL,
        year integer NOT NULL,
        sequence integer NOT NULL,
        number text NOT NULL UNIQUE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        issuer jsonb NOT NULL,
        buyer jsonb NOT NULL,
        lines jsonb NOT NULL,
        currency char(3) NOT NULL,
        net bigint NOT NULL,
        tax bigint NOT NULL,
        gross bigint NOT NULL,
        UNIQUE (seller_id, series, year, sequence)
      );
      CREATE UNIQUE INDEX invoice_order_kind_idx ON invoice (order_id) WHERE kind = 'invoice';
      CREATE INDEX invoice_seller_idx ON invoice (seller_id, issued_at DESC, id DESC);
      CREATE INDEX invoice_customer_idx ON invoice (customer_id, issued_at DESC, id DESC);

      -- Issued invoices are immutable (Spanish invoicing rules: corrections are credit notes).
      CREATE FUNCTION invoice_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'issued invoices are immutable (invoice %)', OLD.number;
      END $$;
      CREATE TRIGGER invoice_immutable BEFORE UPDATE OR DELETE ON invoice
        FOR EACH ROW EXECUTE FUNCTION invoice_immutable();

      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatched_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      );
      CREATE INDEX outbox_pending_idx ON outbox (id) WHERE dispatched_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE outbox, invoice, invoice_counter, order_line, orders, payment, checkout, cart_line, cart,
        customer_consent, payment_method, customer_address;
      DROP FUNCTION invoice_immutable();
      ALTER TABLE category DROP COLUMN tax_class;
      ALTER TABLE seller DROP COLUMN shipping_rate, DROP COLUMN free_shipping_threshold, DROP COLUMN invoice_prefix, DROP COLUMN address;
      ALTER TABLE customer DROP COLUMN erased_at;
    `);
  }
}
