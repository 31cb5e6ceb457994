import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ProductStatus = 'draft' | 'active' | 'archived';
export type ListingCondition = 'new' | 'refurbished' | 'used';
export type ListingStatus = 'active' | 'archived';

export interface ProductImage {
  url: string;
  alt: string | null;
}

@Entity('category')
export class CategoryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text', { unique: true })
  slug!: string;

  @Column('text')
  name!: string;

  @Column('uuid', { name: 'parent_id', nullable: true })
  parentId!: string | null;

  /** Ancestor ids and its own, joined by '/': descendants share the prefix. */
  @Column('text')
  path!: string;

  @Column('integer', { default: 0 })
  position!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity('product')
export class ProductEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text', { unique: true })
  slug!: string;

  @Column('text')
  title!: string;

  @Column('text', { default: '' })
  description!: string;

  @Column('uuid', { name: 'category_id', nullable: true })
  categoryId!: string | null;

  @Column('jsonb', { default: [] })
  images!: ProductImage[];

  @Column('jsonb', { default: {} })
  attributes!: Record<string, unknown>;

  @Column('text', { default: 'active' })
  status!: ProductStatus;

  @Column('uuid', { name: 'created_by_seller_id', nullable: true })
  createdBySellerId!: string | null;

  @Column('text', { name: 'created_by_plugin', nullable: true })
  createdByPlugin!: string | null;

  @Column('bigint', { name: 'min_price', nullable: true })
  minPrice!: string | null;

  @Column('bigint', { name: 'max_price', nullable: true })
  maxPrice!: string | null;

  @Column('boolean', { name: 'in_stock', default: false })
  inStock!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity('product_variant')
export class ProductVariantEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'product_id' })
  productId!: string;

  @Column('text')
  title!: string;

  @Column('jsonb', { default: {} })
  options!: Record<string, string>;

  @Column('text', { nullable: true, unique: true })
  gtin!: string | null;

  @Column('integer', { default: 0 })
  position!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity('listing')
export class ListingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'seller_id' })
  sellerId!: string;

  @Column('uuid', { name: 'variant_id' })
  variantId!: string;

  @Column('uuid', { name: 'product_id' })
  productId!: string;

  @Column('text')
  sku!: string;

  @Column('bigint')
  price!: string;

  @Column('bigint', { name: 'compare_at_price', nullable: true })
  compareAtPrice!: string | null;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('integer', { default: 0 })
  stock!: number;

  @Column('text', { default: 'new' })
  condition!: ListingCondition;

  @Column('integer', { name: 'handling_days', default: 1 })
  handlingDays!: number;

  @Column('text', { default: 'active' })
  status!: ListingStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
