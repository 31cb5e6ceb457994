import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { preparedQuery, statementText } from '../../db/prepared-query';
import { requireSeller } from '../../auth/guards';
import { ErrorCode, badInput } from '../../core/errors';
import { idOf, toGlobalId } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { slugify } from '../../core/slug';
import { uniqueViolation } from '../../db/pg-errors';
import { ProductEntity, ProductVariantEntity } from './catalog.entity';
import { insertProduct } from './product-insert';
import { canEditProduct, canSeeProduct } from './catalog.visibility';
import { primeCategories } from './catalog.loaders';
import { contentOf, recordRevision } from './product-revisions';
import { PRODUCT_COLUMNS, productCategoryColumns, productNarrowColumns, toProduct, toProductWithoutId, type ProductRow } from './product.rows';
import { readAhead, type ProductReads } from './product-reads';
import { narrowColumns, type NarrowColumns } from './narrow-columns';
import { ProductStatus, type Product } from './product.type';
import { VARIANT_COLUMNS, toVariant, type VariantRow } from './variant.rows';
import { ListingStatus } from './listing.type';
import type { ProductContent } from './product-revision.rows';
import type {
  ImageInput,
  ProductCreateInput,
  ProductUpdateInput,
  ProductVariantsCreateInput,
  ProductVariantUpdateInput,
  VariantInput,
} from './catalog.inputs';

const GTIN = /^(\d{8}|\d{12,14})$/;
const MAX_VARIANTS = 100;

const productBySlug = (columns: string, category: { columns: string; join: string }) =>
  `SELECT ${columns}${category.columns} FROM product p ${category.join} WHERE p.slug = $1`;
const PRODUCT_BY_SLUG = productBySlug(PRODUCT_COLUMNS, productCategoryColumns('whole'));

/**
 * For an operation that reads narrowly (catalog-narrow-reads.ts): the columns it selects (narrow-columns.ts), and
 * always the state columns, which canSeeProduct reads. At most 6 texts.
 */
function narrowProductBySlug(kept: NarrowColumns): string {
  return statementText(`catalog product by slug ${kept.productTitles} ${kept.category}`, () => {
    const columns = productNarrowColumns({ state: true, titles: kept.productTitles, category: kept.category !== 'none' });
    return productBySlug(columns, productCategoryColumns(kept.category));
  });
}

/** A product the viewer may see, by ID or slug; then its variants and listings as far as `reads` asks for them (product-reads.ts). */
export async function findProduct(ctx: Context, by: { id?: string; slug?: string }, reads?: ProductReads): Promise<Product | null> {
  let product: Product | null = null;
  let rows: ProductRow[] = [];
  let kept: NarrowColumns | null = null;
  if (by.id) {
    const uuid = idOf(by.id, 'Product');
    if (!uuid) throw badInput('id is not a valid Product ID.', 'id');
    product = await ctx.loaders.productById.load(uuid);
  } else if (by.slug) {
    kept = reads?.narrow ? narrowColumns(reads.narrow) : null;
    rows = await preparedQuery<ProductRow>(ctx.db, kept ? narrowProductBySlug(kept) : PRODUCT_BY_SLUG, [by.slug]);
    const toNode = reads?.narrow && !reads.narrow.selects('Product', 'id') ? toProductWithoutId : toProduct;
    product = rows[0] ? toNode(rows[0]) : null;
  }
  if (!product || !canSeeProduct(ctx.viewer, product)) return null;
  primeCategories(ctx.loaders, rows, !kept || kept.category === 'whole');
  if (reads) await readAhead(ctx, [product.uuid], reads);
  return product;
}

/** The product behind a global ID that the viewer may edit; userErrors otherwise. */
export async function editableProduct(ctx: TxContext, globalId: string, field: string): Promise<Product> {
  const { tx } = ctx;
  const uuid = idOf(globalId, 'Product');
  if (!uuid) fail(field, `${field} is not a valid Product ID.`, ErrorCode.INVALID_ID);
  const rows: ProductRow[] = await tx.query(`SELECT ${PRODUCT_COLUMNS} FROM product p WHERE p.id = $1 FOR NO KEY UPDATE`, [uuid]);
  const product = rows[0] ? toProduct(rows[0]) : null;
  if (!product || !canSeeProduct(ctx.viewer, product)) fail(field, 'Product not found.', ErrorCode.NOT_FOUND);
  if (!canEditProduct(ctx.viewer, product)) {
    fail(field, 'Only the seller that created this product can change it; list it instead.', ErrorCode.FORBIDDEN);
  }
  return product;
}

export function catalogActor(ctx: Context): string | null {
  return ctx.viewer.kind === 'admin' ? null : requireSeller(ctx.viewer, 'catalog:write');
}

function validateImages(v: Validator, images: ImageInput[] | undefined): void {
  if (!images) return;
  v.check(images.length <= 20, 'images', 'At most 20 images.');
  images.forEach((img, i) => {
    v.check(img.url.length <= 2000 && /^https?:\/\/\S+$/.test(img.url), `images.${i}.url`, 'url must be an http(s) URL.');
    v.text(`images.${i}.alt`, img.alt, { required: false, max: 300 });
  });
}

function validateAttributes(v: Validator, attributes: Record<string, unknown> | undefined): void {
  if (attributes) v.check(JSON.stringify(attributes).length <= 10_000, 'attributes', 'attributes must be under 10 KB of JSON.');
}

function validateVariant(v: Validator, variant: Partial<VariantInput>, path: string): void {
  v.text(`${path}.title`, variant.title, { required: false, max: 200 });
  if (variant.options) {
    const names = variant.options.map((o) => o.name.trim().toLowerCase());
    v.check(new Set(names).size === names.length, `${path}.options`, 'Option names must be unique.');
    variant.options.forEach((o, i) => {
      v.text(`${path}.options.${i}.name`, o.name, { max: 50 });
      v.text(`${path}.options.${i}.value`, o.value, { max: 100 });
    });
  }
  if (variant.gtin != null) v.check(variant.gtin.length <= 14 && GTIN.test(variant.gtin), `${path}.gtin`, 'gtin must have 8, 12, 13 or 14 digits.');
}

function validateVariants(v: Validator, variants: VariantInput[]): void {
  v.check(variants.length >= 1 && variants.length <= MAX_VARIANTS, 'variants', `Give 1 to ${MAX_VARIANTS} variants.`);
  for (const [i, variant] of variants.entries()) validateVariant(v, variant, `variants.${i}`);
}

async function categoryUuid({ tx }: TxContext, globalId: string | undefined, field: string): Promise<string | null | undefined> {
  if (globalId === undefined) return undefined;
  const uuid = idOf(globalId, 'Category');
  if (!uuid) fail(field, `${field} is not a valid Category ID.`, ErrorCode.INVALID_ID);
  const rows = await tx.query('SELECT 1 FROM category WHERE id = $1', [uuid]);
  if (!rows.length) fail(field, 'Category not found.', ErrorCode.NOT_FOUND);
  return uuid;
}

function variantRow(variant: VariantInput) {
  const options = Object.fromEntries(variant.options.map((o) => [o.name.trim(), o.value.trim()]));
  const title = variant.title?.trim() || variant.options.map((o) => o.value.trim()).join(' / ') || 'Default';
  return { title, options, gtin: variant.gtin ?? null };
}

function variantEntity({ tx }: TxContext, productId: string, variant: VariantInput, position: number) {
  return tx.create(ProductVariantEntity, { productId, ...variantRow(variant), position });
}

function uniqueToUserError(err: unknown, slug: string | undefined): never {
  const constraint = uniqueViolation(err);
  if (constraint?.includes('gtin')) fail('variants', 'A variant with this GTIN already exists; list it with listingCreate.', ErrorCode.TAKEN);
  if (constraint !== null) fail('slug', `The slug "${slug}" is taken.`, ErrorCode.TAKEN);
  throw err;
}

async function loadProduct({ tx }: TxContext, id: string): Promise<Product> {
  const rows: ProductRow[] = await tx.query(`SELECT ${PRODUCT_COLUMNS} FROM product p WHERE p.id = $1`, [id]);
  return toProduct(rows[0]!);
}

export async function createProduct(ctx: Context, input: ProductCreateInput) {
  const creator = catalogActor(ctx);
  const variants: VariantInput[] = input.variants ?? [{ options: [] }];
  const v = new Validator();
  v.text('title', input.title, { max: 200 });
  v.slug('slug', input.slug);
  v.text('description', input.description, { required: false, max: 20_000, multiline: true });
  validateImages(v, input.images);
  validateAttributes(v, input.attributes);
  validateVariants(v, variants);
  v.done();
  try {
    return await withTransaction(ctx, async (ctx) => {
      const categoryId = await categoryUuid(ctx, input.categoryId, 'categoryId');
      const { productId } = await insertProduct(ctx, {
        slug: input.slug,
        title: input.title,
        description: input.description,
        categoryId,
        images: input.images,
        attributes: input.attributes,
        status: input.status,
        language: input.language,
        variants: variants.map(variantRow),
        createdBySellerId: creator,
      });
      return { product: await loadProduct(ctx, productId) };
    });
  } catch (err) {
    return uniqueToUserError(err, input.slug ?? (slugify(input.title) || 'product'));
  }
}

export async function updateProduct(ctx: Context, input: ProductUpdateInput) {
  catalogActor(ctx);
  const v = new Validator();
  if (input.title != null) v.text('title', input.title, { max: 200 });
  v.slug('slug', input.slug);
  v.text('description', input.description, { required: false, max: 20_000, multiline: true });
  validateImages(v, input.images);
  validateAttributes(v, input.attributes);
  v.done();
  try {
    return await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      const product = await editableProduct(ctx, input.id, 'id');
      const changes: Partial<ProductEntity> = { updatedAt: new Date() };
      if (input.slug != null) changes.slug = input.slug;
      if (input.title != null) changes.title = input.title.trim();
      if (input.description != null) changes.description = input.description;
      const categoryId = await categoryUuid(ctx, input.categoryId, 'categoryId');
      if (categoryId !== undefined) changes.categoryId = categoryId;
      if (input.images) changes.images = input.images.map((i) => ({ url: i.url, alt: i.alt ?? null }));
      if (input.attributes) changes.attributes = input.attributes;
      if (input.status) changes.status = input.status;
      if (changes.status && changes.status !== ProductStatus.ACTIVE && changes.status !== product.status) {
        await refuseWithdrawingShared(ctx, product);
      }
      await tx.update(ProductEntity, { id: product.uuid }, changes as object);
      await recordRevision(ctx, product.uuid, contentOf(product), changes as Partial<ProductContent>);
      return { product: await loadProduct(ctx, product.uuid) };
    });
  } catch (err) {
    return uniqueToUserError(err, input.slug);
  }
}

/**
 * Issue 9: a shared product is not its creator's to take away. Drafting or archiving a product that another
 * seller has an active listing of would make their offers unbuyable, so a seller is refused (PRODUCT_SHARED)
 * and withdraws its own offers with listingArchive instead; the operator may still do it. The product row
 * is locked (editableProduct) and listingCreate locks it too, so no listing can slip in between.
 */
async function refuseWithdrawingShared(ctx: TxContext, product: Product): Promise<void> {
  if (ctx.viewer.kind === 'admin') return;
  const others = await ctx.tx.query(
    `SELECT 1 FROM listing WHERE product_id = $1 AND status = '${ListingStatus.ACTIVE}' AND seller_id IS DISTINCT FROM $2 LIMIT 1`,
    [product.uuid, product.createdBySellerUuid],
  );
  if (others.length) {
    fail(
      'status',
      "Other sellers list this product, so it stays active for their offers: archive your own listings with listingArchive instead (the operator can retire the product).",
      ErrorCode.PRODUCT_SHARED,
    );
  }
}

export function archiveProduct(ctx: Context, id: string) {
  return updateProduct(ctx, { id, status: ProductStatus.ARCHIVED });
}

export async function createVariants(ctx: Context, input: ProductVariantsCreateInput) {
  catalogActor(ctx);
  const v = new Validator();
  validateVariants(v, input.variants);
  v.done();
  try {
    return await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      const product = await editableProduct(ctx, input.productId, 'productId');
      const [{ next }] = await tx.query(
        'SELECT coalesce(max(position) + 1, 0) AS next FROM product_variant WHERE product_id = $1',
        [product.uuid],
      );
      const entities = input.variants.map((variant, i) => variantEntity(ctx, product.uuid, variant, Number(next) + i));
      await tx.save(entities);
      const rows: VariantRow[] = await tx.query(
        `SELECT ${VARIANT_COLUMNS} FROM product_variant v WHERE v.id = ANY($1) ORDER BY v.position`,
        [entities.map((e) => e.id)],
      );
      return { product, variants: rows.map(toVariant) };
    });
  } catch (err) {
    return uniqueToUserError(err, undefined);
  }
}

export async function updateVariant(ctx: Context, input: ProductVariantUpdateInput) {
  catalogActor(ctx);
  const v = new Validator();
  validateVariant(v, input, 'variant');
  v.done();
  const uuid = idOf(input.id, 'ProductVariant');
  if (!uuid) fail('id', 'id is not a valid ProductVariant ID.', ErrorCode.INVALID_ID);
  try {
    return await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      const rows: VariantRow[] = await tx.query(`SELECT ${VARIANT_COLUMNS} FROM product_variant v WHERE v.id = $1`, [uuid]);
      if (!rows[0]) fail('id', 'Variant not found.', ErrorCode.NOT_FOUND);
      const product = await editableProduct(ctx, toGlobalId('Product', rows[0].productId), 'id');
      const changes: Partial<ProductVariantEntity> = {};
      if (input.title != null) changes.title = input.title.trim();
      if (input.options) changes.options = Object.fromEntries(input.options.map((o) => [o.name.trim(), o.value.trim()]));
      if (input.gtin != null) changes.gtin = input.gtin;
      if (Object.keys(changes).length) await tx.update(ProductVariantEntity, { id: uuid }, changes);
      const updated: VariantRow[] = await tx.query(`SELECT ${VARIANT_COLUMNS} FROM product_variant v WHERE v.id = $1`, [uuid]);
      return { product, variant: toVariant(updated[0]!) };
    });
  } catch (err) {
    return uniqueToUserError(err, undefined);
  }
}

