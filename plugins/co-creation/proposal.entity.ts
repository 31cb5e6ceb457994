import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ProposalStatus = 'open' | 'approved' | 'rejected' | 'converted';

/** A customer's design proposed to one seller. `votes` is kept equal to its rows in co_creation_vote. */
@Entity('co_creation_proposal')
export class ProposalEntity {
  /** A UUIDv7 (uuid-v7.ts): its order is creation order, so lists page on the id alone. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'seller_id' })
  sellerId!: string;

  @Column('uuid', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  title!: string;

  @Column('text')
  description!: string;

  @Column('text', { name: 'image_url', nullable: true })
  imageUrl!: string | null;

  @Column('text', { default: 'open' })
  status!: ProposalStatus;

  @Column('integer', { default: 0 })
  votes!: number;

  @Column('timestamptz', { name: 'approved_at', nullable: true })
  approvedAt!: Date | null;

  @Column('timestamptz', { name: 'rejected_at', nullable: true })
  rejectedAt!: Date | null;

  @Column('text', { name: 'rejection_reason', nullable: true })
  rejectionReason!: string | null;

  @Column('timestamptz', { name: 'converted_at', nullable: true })
  convertedAt!: Date | null;

  @Column('uuid', { name: 'product_id', nullable: true })
  productId!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
