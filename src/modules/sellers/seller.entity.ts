import type { AddressData } from '../../core/address';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type SellerStatus = 'active' | 'suspended';

@Entity('seller')
export class SellerEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text', { unique: true })
  slug!: string;

  @Column('text')
  name!: string;

  @Column('text', { default: '' })
  description!: string;

  @Column('text', { name: 'legal_name', nullable: true })
  legalName!: string | null;

  @Column('text', { name: 'tax_id', nullable: true })
  taxId!: string | null;

  @Column('text', { default: 'active' })
  status!: SellerStatus;

  @Column('text', { name: 'suspended_reason', nullable: true })
  suspendedReason!: string | null;

  @Column('numeric', { precision: 3, scale: 2, default: 0 })
  rating!: string;

  @Column('integer', { name: 'rating_count', default: 0 })
  ratingCount!: number;

  @Column('bigint', { name: 'shipping_rate', default: 499 })
  shippingRate!: number;

  @Column('bigint', { name: 'free_shipping_threshold', nullable: true })
  freeShippingThreshold!: number | null;

  /** Invoice series prefix, e.g. "ACME" in ACME-2026-000042; defaults to the slug's letters and digits (invoices/invoice-numbering.ts). */
  @Column('text', { name: 'invoice_prefix', nullable: true })
  invoicePrefix!: string | null;

  @Column('jsonb', { nullable: true })
  address!: AddressData | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
