import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('gift_wrap_request')
export class GiftWrapRequest {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'seller_id' })
  sellerId!: string;

  @Column('uuid', { name: 'customer_id', nullable: true })
  customerId!: string | null;

  @Column('uuid', { name: 'order_line_id', nullable: true })
  orderLineId!: string | null;

  @Column('text')
  message!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
