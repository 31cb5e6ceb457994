import { requireCustomer } from '../../auth/guards';
import type { Context } from '../../core/context';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { ErrorCode, badInput, forbidden } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';
import { PRODUCT_COLUMNS, ProductStatus, toProduct, type Product, type ProductRow } from '../catalog';
import { addLike, removeLike } from './popularity';

async function likedProduct(ctx: Context, globalId: string): Promise<Product> {
  const uuid = idOf(globalId, 'Product');
  if (!uuid) fail('productId', 'productId is not a valid Product ID.', ErrorCode.INVALID_ID);
  const product = await ctx.loaders.productById.load(uuid);
  if (!product || product.status !== ProductStatus.ACTIVE) fail('productId', 'Product not found.', ErrorCode.NOT_FOUND);
  return product;
}

/**
 * Likes are a set per customer: liking twice (or twice at once: the primary key makes one row, and the
 * second insert waits for the first and then does nothing) counts once; so does unliking.
 */
export async function likeProduct(ctx: Context, productId: string) {
  const customerId = requireCustomer(ctx.viewer);
  const product = await likedProduct(ctx, productId);
  await withTransaction(ctx, async (ctx) => {
    const [row]: { likedAt: Date }[] = await ctx.tx.query(
      `INSERT INTO product_like (customer_id, product_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING liked_at AS "likedAt"`,
      [customerId, product.uuid],
    );
    if (!row) return;
    await addLike(ctx, product.uuid, row.likedAt);
    await emit(ctx, 'product.liked', { productId: product.uuid, customerId });
  });
  ctx.loaders.popularityByProductId.clear(product.uuid);
  return { product, liked: true };
}

export async function unlikeProduct(ctx: Context, productId: string) {
  const customerId = requireCustomer(ctx.viewer);
  const uuid = idOf(productId, 'Product');
  if (!uuid) fail('productId', 'productId is not a valid Product ID.', ErrorCode.INVALID_ID);
  await withTransaction(ctx, async (ctx) => {
    const [row]: { likedAt: Date }[] = await ctx.tx.query(
      // Through a CTE: a bare DELETE … RETURNING comes back from TypeORM as [rows, count].
      'WITH d AS (DELETE FROM product_like WHERE customer_id = $1 AND product_id = $2 RETURNING liked_at) SELECT liked_at AS "likedAt" FROM d',
      [customerId, uuid],
    );
    if (!row) return;
    await removeLike(ctx, uuid, row.likedAt);
    await emit(ctx, 'product.unliked', { productId: uuid, customerId });
  });
  ctx.loaders.popularityByProductId.clear(uuid);
  // An archived product can still be unliked; only a product that never existed is NOT_FOUND.
  const product = await ctx.loaders.productById.load(uuid);
  if (!product) fail('productId', 'Product not found.', ErrorCode.NOT_FOUND);
  return { product, liked: false };
}

/** The viewer's liked products (active ones), most recently liked first. */
export async function listLikedProducts(ctx: Context, customerId: string, { first, after }: { first: number; after?: string }) {
  if (ctx.viewer.kind !== 'admin' && (ctx.viewer.kind !== 'customer' || ctx.viewer.customerId !== customerId)) {
    throw forbidden("Only the customer sees their likes.");
  }
  checkPageSize(first);
  const params: unknown[] = [customerId];
  let where = '';
  if (after) {
    const { key, id } = decodeKeyset(after);
    if (typeof key !== 'string' || Number.isNaN(Date.parse(key))) throw badInput('after is not a cursor of this list.', 'after');
    params.push(key, id);
    where = 'AND (pl.liked_at, pl.product_id) < ($2::timestamptz, $3::uuid)';
  }
  params.push(first + 1);
  const rows: (ProductRow & { likedKey: string })[] = await ctx.db.query(
    `SELECT ${PRODUCT_COLUMNS}, pl.liked_at::text AS "likedKey"
       FROM product_like pl JOIN product p ON p.id = pl.product_id
      WHERE pl.customer_id = $1 AND p.status = '${ProductStatus.ACTIVE}' ${where}
      ORDER BY pl.liked_at DESC, pl.product_id DESC LIMIT $${params.length}`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([r.likedKey, r.id]), toProduct);
}
