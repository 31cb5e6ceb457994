import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { Locale } from '../../core/locale';

export interface ProductTranslation {
  locale: Locale;
  title: string;
  description: string;
}

/** Per request: a product's content in one language (key `productId|locale`), null when it has none; one query per batch. */
export function productTranslationLoaders(db: DataSource) {
  return {
    productTranslation: new DataLoader<string, ProductTranslation | null>(async (keys) => {
      const pairs = keys.map((k) => k.split('|') as [string, string]);
      const rows: (ProductTranslation & { productId: string })[] = await db.query(
        `SELECT t.product_id AS "productId", t.locale, t.title, t.description
           FROM product_translation t JOIN unnest($1::uuid[], $2::text[]) AS k(product_id, locale) USING (product_id, locale)`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      const found = new Map(rows.map((r) => [`${r.productId}|${r.locale}`, { locale: r.locale, title: r.title, description: r.description }]));
      return keys.map((k) => found.get(k) ?? null);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof productTranslationLoaders> {}
}
