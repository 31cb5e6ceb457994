import { toGlobalId } from '../../core/global-id';
import type { ProductVariant } from './variant.type';

export interface VariantRow {
  id: string;
  productId: string;
  title: string;
  options: Record<string, string>;
  gtin: string | null;
  position: number;
}

export const VARIANT_COLUMNS = `v.id, v.product_id AS "productId", v.title, v.options, v.gtin, v.position`;

export function toVariant(r: VariantRow): ProductVariant {
  return {
    __typename: 'ProductVariant',
    id: toGlobalId('ProductVariant', r.id),
    uuid: r.id,
    productUuid: r.productId,
    title: r.title,
    options: Object.entries(r.options).map(([name, value]) => ({ name, value })),
    gtin: r.gtin,
    position: r.position,
  };
}
