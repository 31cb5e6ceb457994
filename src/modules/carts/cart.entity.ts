import type { AddressData } from '../../core/address';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type CartStatus = 'active' | 'completed' | 'merged';

/** Tables from migrations/1763900100000-buying.ts. A guest cart has no customer: its unguessable id is the key. */
@Entity('cart')
export class CartEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'customer_id', nullable: true })
  customerId!: string | null;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text', { nullable: true })
  email!: string | null;

  @Column('jsonb', { name: 'shipping_address', nullable: true })
  shippingAddress!: AddressData | null;

  @Column('text', { default: 'active' })
  status!: CartStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity('cart_line')
export class CartLineEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'cart_id' })
  cartId!: string;

  @Column('uuid', { name: 'listing_id' })
  listingId!: string;

  @Column('integer')
  quantity!: number;

  /** The listing's price when the line was added; a later change is reported as a PRICE_CHANGED warning. */
  @Column('bigint', { name: 'price_at_add' })
  priceAtAdd!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A cart holds at most this many lines (distinct listings). */
export const MAX_LINES = 100;
/** Per line, as the table's CHECK (quantity BETWEEN 1 AND 999) says. */
export const MAX_QUANTITY = 999;
