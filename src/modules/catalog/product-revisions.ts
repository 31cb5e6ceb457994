import type { Context, TxContext } from '../../core/context';
import { requireAdmin } from '../../auth/guards';
import { checkPageSize, decodeCursor, encodeCursor, toConnection } from '../../core/connection';
import { ErrorCode, badInput } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { withTransaction } from '../../db/transaction';
import { uniqueViolation } from '../../db/pg-errors';
import { ProductEntity } from './catalog.entity';
import { PRODUCT_COLUMNS, toProduct, type ProductRow } from './product.rows';
import type { Product } from './product.type';
import {
  REVISED_FIELDS,
  REVISION_COLUMNS,
  toProductRevision,
  type ProductContent,
  type ProductRevisionRow,
  type RevisionChanges,
} from './product-revision.rows';
import { ProductRevisionActor, type ProductRevision } from './product-revision.type';

/** JSON with object keys sorted: jsonb comes back with its own key order, so equal content compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

export function contentOf(p: Product): ProductContent {
  return {
    slug: p.slug,
    title: p.title,
    description: p.description,
    categoryId: p.categoryUuid,
    images: p.images,
    attributes: p.attributes,
    status: p.status,
  };
}

/**
 * Records who changed which content fields of a product, old → new, in the transaction that changed them
 * (issue 9: a shared product's content is edited by one seller and relied on by all that list it).
 * Returns the revision's uuid, or null when no field actually changed.
 */
export async function recordRevision(
  ctx: TxContext,
  productId: string,
  before: ProductContent,
  after: Partial<ProductContent>,
  revertsRevisionId: string | null = null,
): Promise<string | null> {
  const changes: RevisionChanges = {};
  for (const field of REVISED_FIELDS) {
    if (after[field] !== undefined && canonical(after[field]) !== canonical(before[field])) {
      changes[field] = { old: before[field], new: after[field] };
    }
  }
  if (!Object.keys(changes).length) return null;
  const seller = ctx.viewer.kind === 'seller' ? ctx.viewer.sellerId : null;
  const [{ id }]: { id: string }[] = await ctx.tx.query(
    `INSERT INTO product_revision (product_id, actor_kind, actor_seller_id, changes, reverts_revision_id)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [productId, seller ? ProductRevisionActor.SELLER : ProductRevisionActor.OPERATOR, seller, changes, revertsRevisionId],
  );
  return id;
}

/** A product's history is seen by the operator, the seller that created it and every seller that lists (or listed) it. */
async function maySeeRevisions(ctx: Context, product: Pick<Product, 'uuid' | 'createdBySellerUuid'>): Promise<boolean> {
  const { viewer } = ctx;
  if (viewer.kind === 'admin') return true;
  if (viewer.kind !== 'seller') return false;
  if (viewer.sellerId === product.createdBySellerUuid) return true;
  const rows = await ctx.db.query('SELECT 1 FROM listing WHERE product_id = $1 AND seller_id = $2 LIMIT 1', [product.uuid, viewer.sellerId]);
  return rows.length > 0;
}

/** `Product.revisions`: newest first; null for viewers that may not see the history. */
export async function listRevisions(ctx: Context, product: Product, { first, after }: { first: number; after?: string | null }) {
  checkPageSize(first);
  if (!(await maySeeRevisions(ctx, product))) return null;
  const params: unknown[] = [product.uuid];
  let where = 'r.product_id = $1';
  if (after) {
    const [seq] = decodeCursor(after, 1);
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) throw badInput('after is not a cursor of this list.', 'after');
    params.push(seq);
    where += ' AND r.seq < $2';
  }
  params.push(first + 1);
  const rows: ProductRevisionRow[] = await ctx.db.query(
    `SELECT ${REVISION_COLUMNS} FROM product_revision r WHERE ${where} ORDER BY r.seq DESC LIMIT $${params.length}`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([Number(r.seq)]), toProductRevision);
}

/** `node(id:)` of a ProductRevision: for whoever may see its product's history. */
export async function findRevision(ctx: Context, uuid: string): Promise<ProductRevision | null> {
  const rows: (ProductRevisionRow & { createdBySellerId: string | null })[] = await ctx.db.query(
    `SELECT ${REVISION_COLUMNS}, p.created_by_seller_id AS "createdBySellerId"
       FROM product_revision r JOIN product p ON p.id = r.product_id WHERE r.id = $1`,
    [uuid],
  );
  const row = rows[0];
  if (!row || !(await maySeeRevisions(ctx, { uuid: row.productId, createdBySellerUuid: row.createdBySellerId }))) return null;
  return toProductRevision(row);
}

/**
 * `productRevisionRevert`: the operator puts back the fields one revision changed, as they were before it,
 * whatever they hold now; the revert is itself a revision (`revertsRevisionId`).
 */
export async function revertRevision(ctx: Context, globalId: string) {
  requireAdmin(ctx.viewer);
  const uuid = idOf(globalId, 'ProductRevision');
  if (!uuid) fail('revisionId', 'revisionId is not a valid ProductRevision ID.', ErrorCode.INVALID_ID);
  try {
    return await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      const revisions: ProductRevisionRow[] = await tx.query(`SELECT ${REVISION_COLUMNS} FROM product_revision r WHERE r.id = $1`, [uuid]);
      const revision = revisions[0];
      if (!revision) fail('revisionId', 'Revision not found.', ErrorCode.NOT_FOUND);
      const products: ProductRow[] = await tx.query(`SELECT ${PRODUCT_COLUMNS} FROM product p WHERE p.id = $1 FOR NO KEY UPDATE`, [
        revision.productId,
      ]);
      const before = contentOf(toProduct(products[0]!));
      const target: Record<string, unknown> = {};
      for (const field of REVISED_FIELDS) if (revision.changes[field]) target[field] = revision.changes[field]!.old;
      if (typeof target.categoryId === 'string') {
        const categories = await tx.query('SELECT 1 FROM category WHERE id = $1', [target.categoryId]);
        if (!categories.length) fail('revisionId', 'The category before this revision no longer exists.', ErrorCode.NOT_FOUND);
      }
      const revertedBy = await recordRevision(ctx, revision.productId, before, target as Partial<ProductContent>, revision.id);
      if (!revertedBy) fail('revisionId', 'The product already holds the values from before this revision.', ErrorCode.INVALID_STATE);
      await tx.update(ProductEntity, { id: revision.productId }, { ...target, updatedAt: new Date() } as object);
      const [after]: ProductRow[] = await tx.query(`SELECT ${PRODUCT_COLUMNS} FROM product p WHERE p.id = $1`, [revision.productId]);
      const [created]: ProductRevisionRow[] = await tx.query(`SELECT ${REVISION_COLUMNS} FROM product_revision r WHERE r.id = $1`, [
        revertedBy,
      ]);
      return { product: toProduct(after!), revision: toProductRevision(created!) };
    });
  } catch (err) {
    if (uniqueViolation(err) !== null) fail('revisionId', 'The slug before this revision is now taken by another product.', ErrorCode.TAKEN);
    throw err;
  }
}
