import { toGlobalId } from '../../core/global-id';
import type { ProductRow } from './product.rows';
import { ProductStatus } from './product.type';
import { ProductRevisionField, type ProductRevision, type ProductRevisionActor } from './product-revision.type';

/** What a revision records of a product: its content columns, as stored (category as uuid, status lowercase). */
export type ProductContent = Pick<ProductRow, 'slug' | 'title' | 'description' | 'categoryId' | 'images' | 'attributes' | 'status'>;

export const REVISED_FIELDS = Object.values(ProductRevisionField) as (keyof ProductContent)[];

/** product_revision.changes: each changed field's stored value before and after. */
export type RevisionChanges = Partial<Record<keyof ProductContent, { old: unknown; new: unknown }>>;

export interface ProductRevisionRow {
  id: string;
  seq: string;
  productId: string;
  actorKind: ProductRevisionActor;
  actorSellerId: string | null;
  changes: RevisionChanges;
  revertsRevisionId: string | null;
  createdAt: Date;
}

export const REVISION_COLUMNS = `r.id, r.seq, r.product_id AS "productId", r.actor_kind AS "actorKind",
  r.actor_seller_id AS "actorSellerId", r.changes, r.reverts_revision_id AS "revertsRevisionId", r.created_at AS "createdAt"`;

const statusNames = new Map<unknown, string>(Object.entries(ProductStatus).map(([name, value]) => [value, name]));

/** A stored value as the API shows it: a Category's global ID, a ProductStatus name. */
function apiValue(field: keyof ProductContent, value: unknown): unknown {
  if (value == null) return null;
  if (field === 'categoryId') return toGlobalId('Category', value as string);
  if (field === 'status') return statusNames.get(value) ?? value;
  return value;
}

export function toProductRevision(r: ProductRevisionRow): ProductRevision {
  return {
    __typename: 'ProductRevision',
    id: toGlobalId('ProductRevision', r.id),
    uuid: r.id,
    productUuid: r.productId,
    sellerUuid: r.actorSellerId,
    actorKind: r.actorKind,
    changes: REVISED_FIELDS.filter((f) => r.changes[f]).map((f) => ({
      field: f as ProductRevisionField,
      oldValue: apiValue(f, r.changes[f]!.old),
      newValue: apiValue(f, r.changes[f]!.new),
    })),
    revertsRevisionId: r.revertsRevisionId && toGlobalId('ProductRevision', r.revertsRevisionId),
    createdAt: r.createdAt,
  };
}
