import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13: product content in several languages. A product's own title and description are its content
 * in no particular language, shown whenever no translation for the reader's language exists; a row here
 * replaces them for one language.
 */
export class ProductTranslations1764160100000 implements MigrationInterface {
  name = 'ProductTranslations1764160100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE product_translation (
        product_id uuid NOT NULL REFERENCES product (id) ON DELETE CASCADE,
        locale text NOT NULL CHECK (locale IN ('en', 'es')),
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (product_id, locale)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE product_translation');
  }
}
