import type { Context } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { LOCALES, supportedLocale, type Locale } from '../../core/locale';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { PRODUCT_COLUMNS, toProduct, type ProductRow } from './product.rows';
import type { Product } from './product.type';
import { catalogActor, editableProduct } from './product.service';
import type { ProductTranslationsSetInput } from './product-translation.inputs';

/**
 * The product's content in `locale` (issue 13): its translation when it has one, else its own content.
 * `requested` is the `locale` argument of the field; without it, the request's language (ctx.locale()).
 */
async function localizedContent(ctx: Context, product: Product, requested: string | null | undefined): Promise<{ title: string; description: string }> {
  const locale = requested != null ? supportedLocale(requested) : await ctx.locale();
  if (!locale || !product.translatedLocales.includes(locale)) return product;
  return (await ctx.loaders.productTranslation.load(`${product.uuid}|${locale}`)) ?? product;
}

/**
 * One field of localizedContent; synchronous for a product with no translation (most of a catalog page),
 * whatever the language: no promise per product and field.
 */
export function localizedField(
  ctx: Context,
  product: Product,
  requested: string | null | undefined,
  field: 'title' | 'description',
): string | Promise<string> {
  if (!product.translatedLocales.length) return product[field];
  return localizedContent(ctx, product, requested).then((content) => content[field]);
}

/** productTranslationsSet: the product's creator (or the operator) replaces or removes translations, one per language. */
export async function setProductTranslations(ctx: Context, input: ProductTranslationsSetInput) {
  catalogActor(ctx);
  const v = new Validator();
  v.check(input.translations.length <= LOCALES.length, 'translations', `At most ${LOCALES.length} translations, one per language.`, ErrorCode.TOO_LONG);
  v.check((input.remove?.length ?? 0) <= LOCALES.length, 'remove', `At most ${LOCALES.length} languages.`, ErrorCode.TOO_LONG);
  v.done();
  const seen = new Set<Locale>();
  input.translations.forEach((t, i) => {
    const locale = t.locale.length <= 10 ? supportedLocale(t.locale) : null;
    v.check(locale !== null && locale === t.locale, `translations.${i}.locale`, `locale must be one of ${LOCALES.join(', ')}.`);
    if (locale) {
      v.check(!seen.has(locale), `translations.${i}.locale`, `Two translations for "${locale}".`);
      seen.add(locale);
    }
    v.text(`translations.${i}.title`, t.title, { max: 200 });
    v.text(`translations.${i}.description`, t.description, { required: false, max: 20_000, multiline: true });
  });
  for (const [i, l] of (input.remove ?? []).entries()) v.check(LOCALES.includes(l as Locale), `remove.${i}`, `locale must be one of ${LOCALES.join(', ')}.`);
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const product = await editableProduct(ctx, input.productId, 'productId');
    if (input.remove?.length) await tx.query('DELETE FROM product_translation WHERE product_id = $1 AND locale = ANY($2)', [product.uuid, input.remove]);
    if (input.translations.length) {
      await tx.query(
        `INSERT INTO product_translation (product_id, locale, title, description)
         SELECT $1, x.locale, x.title, x.description FROM unnest($2::text[], $3::text[], $4::text[]) AS x(locale, title, description)
         ON CONFLICT (product_id, locale) DO UPDATE SET title = excluded.title, description = excluded.description, updated_at = now()`,
        [product.uuid, input.translations.map((t) => t.locale), input.translations.map((t) => t.title.trim()), input.translations.map((t) => t.description ?? '')],
      );
    }
    await tx.query('UPDATE product SET updated_at = now() WHERE id = $1', [product.uuid]);
    const rows: ProductRow[] = await tx.query(`SELECT ${PRODUCT_COLUMNS} FROM product p WHERE p.id = $1`, [product.uuid]);
    return { product: toProduct(rows[0]!) };
  });
}
