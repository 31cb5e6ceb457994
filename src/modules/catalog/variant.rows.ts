import { toGlobalId } from '../../core/global-id';
import { selectList, type ColumnMap } from '../../db/column-map';
import type { ProductVariant } from './variant.type';

export interface VariantRow {
  id: string;
  productId: string;
  title: string;
  options: Record<string, string>;
  gtin: string | null;
  position: number;
}

const variantColumns: ColumnMap<VariantRow> = {
  id: 'v.id',
  productId: 'v.product_id',
  title: 'v.title',
  options: 'v.options',
  gtin: 'v.gtin',
  position: 'v.position',
};

/** Selects a VariantRow from `product_variant v`. */
export const VARIANT_COLUMNS = selectList(variantColumns);

/** VARIANT_COLUMNS' names, in their order (for rows read as arrays: db/row-values.ts). */
export const VARIANT_FIELDS = Object.keys(variantColumns) as (keyof VariantRow & string)[];

/**
 * The fields a narrow read (catalog-narrow-reads.ts) selects (narrow-columns.ts): `options` only with
 * `kept.options`, gtin and position only with `kept.details`; all of them for a whole read (null).
 */
export function variantFieldsOf(kept: { options: boolean; details: boolean } | null): (keyof VariantRow & string)[] {
  return VARIANT_FIELDS.filter((field) => !kept || (field === 'options' ? kept.options : field === 'gtin' || field === 'position' ? kept.details : true));
}

/** Selects `fields` of a VariantRow from `product_variant v`, `replaced`'s expressions for theirs. */
export function variantColumnsOf(fields: readonly (keyof VariantRow)[], replaced: Partial<ColumnMap<VariantRow>> = {}): string {
  return fields.map((field) => `${replaced[field] ?? variantColumns[field]} AS "${field}"`).join(', ');
}

/** In the json's key order; without Object.entries' pair arrays (a catalog page maps 60 variants). */
function selectedOptions(options: Record<string, string>): { name: string; value: string }[] {
  const selected: { name: string; value: string }[] = [];
  for (const name in options) selected.push({ name, value: options[name]! });
  return selected;
}

export function toVariant(r: VariantRow): ProductVariant {
  return variantOf(r, toGlobalId('ProductVariant', r.id));
}

/**
 * toVariant for a narrow read whose operation selects no ProductVariant `id` (catalog-narrow-reads.ts): left empty;
 * and no `options` when the read left them out (variantFieldsOf).
 */
export const toVariantWithoutId = (r: VariantRow): ProductVariant => variantOf(r, '');

const NO_OPTIONS: { name: string; value: string }[] = [];

function variantOf(r: VariantRow, id: string): ProductVariant {
  return {
    __typename: 'ProductVariant',
    id,
    uuid: r.id,
    productUuid: r.productId,
    title: r.title,
    options: r.options == null ? NO_OPTIONS : selectedOptions(r.options),
    gtin: r.gtin,
    position: r.position,
  };
}
