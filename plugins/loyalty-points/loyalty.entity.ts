import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type LoyaltyEntryKind = 'earn' | 'reverse' | 'redeem';

/** A customer's balance with one seller. Written only with a compare-and-set on `version` (loyalty.ledger.ts). */
@Entity('loyalty_points_account')
export class LoyaltyAccount {
  @PrimaryColumn('uuid', { name: 'seller_id' })
  sellerId!: string;

  @PrimaryColumn('uuid', { name: 'customer_id' })
  customerId!: string;

  /** Points available to redeem; never negative. */
  @Column('bigint')
  balance!: number;

  /** Store credit from redeemed points, minor units of `currency`, for the seller to honour. */
  @Column('bigint')
  credit!: number;

  @Column('text')
  currency!: string;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}

/** The append-only ledger: one row per handled event or redemption, so replays find their row and stop. */
@Entity('loyalty_points_entry')
export class LoyaltyEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'seller_id' })
  sellerId!: string;

  @Column('uuid', { name: 'customer_id' })
  customerId!: string;

  @Column('uuid', { name: 'order_id', nullable: true })
  orderId!: string | null;

  /** The outbox id of the event that made this entry (unique per seller): the idempotency key of handlers. */
  @Column('bigint', { name: 'event_id', nullable: true })
  eventId!: number | null;

  /** The client's key of a redemption (unique per seller and customer). */
  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;

  @Column('text')
  kind!: LoyaltyEntryKind;

  /** Signed change of the balance: positive for earn, negative for reverse and redeem. */
  @Column('bigint')
  points!: number;

  /** reverse: points that could not be taken back because they had been redeemed already. */
  @Column('bigint', { default: 0 })
  shortfall!: number;

  /** redeem: store credit granted, minor units. */
  @Column('bigint', { default: 0 })
  credit!: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
