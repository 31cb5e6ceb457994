import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity('customer_address')
export class CustomerAddressEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  name!: string;

  @Column('text')
  line1!: string;

  @Column('text', { nullable: true })
  line2!: string | null;

  @Column('text')
  city!: string;

  @Column('text', { nullable: true })
  region!: string | null;

  @Column('text', { name: 'postal_code' })
  postalCode!: string;

  @Column('char', { length: 2 })
  country!: string;

  @Column('text', { nullable: true })
  phone!: string | null;

  @Column('boolean', { name: 'is_default_shipping', default: false })
  isDefaultShipping!: boolean;

  @Column('boolean', { name: 'is_default_billing', default: false })
  isDefaultBilling!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity('payment_method')
export class PaymentMethodEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  provider!: string;

  /** The provider's reusable token; never a card number. */
  @Column('text')
  token!: string;

  @Column('text')
  brand!: string;

  @Column('text')
  last4!: string;

  @Column('integer', { name: 'exp_month' })
  expMonth!: number;

  @Column('integer', { name: 'exp_year' })
  expYear!: number;

  @Column('boolean', { name: 'is_default', default: false })
  isDefault!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity('customer_consent')
export class CustomerConsentEntity {
  @PrimaryColumn('uuid', { name: 'customer_id' })
  customerId!: string;

  @PrimaryColumn('text')
  kind!: 'marketing' | 'personalization' | 'share_profile_with_sellers';

  @Column('boolean')
  granted!: boolean;

  @Column('text')
  source!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
