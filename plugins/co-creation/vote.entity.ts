import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One customer's vote for one proposal: the primary key makes a second vote a no-op insert. */
@Entity('co_creation_vote')
export class VoteEntity {
  @PrimaryColumn('uuid', { name: 'proposal_id' })
  proposalId!: string;

  @PrimaryColumn('uuid', { name: 'customer_id' })
  customerId!: string;

  @Column('uuid', { name: 'seller_id' })
  sellerId!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
