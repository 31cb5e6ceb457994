import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';

/** bigint columns come back as strings from some drivers; our values fit in a JS number. */
const bigintNumber: ValueTransformer = { to: (v: unknown) => v, from: (v: unknown) => (v == null ? v : Number(v)) };

/** A URL of a seller's system that receives the events it subscribed to. */
@Entity('webhooks_endpoint')
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'seller_id' })
  sellerId!: string;

  @Column('text')
  url!: string;

  /** Event types, `order.*` prefixes or `*` (every event). */
  @Column('text', { array: true })
  events!: string[];

  @Column('text')
  secret!: string;

  /** The secret before the last rotation: it signs too until `previousSecretExpiresAt`. */
  @Column('text', { name: 'previous_secret', nullable: true })
  previousSecret!: string | null;

  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column('boolean', { default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export type DeliveryStatus = 'succeeded' | 'retrying' | 'failed';

/** One attempt to deliver one event to one endpoint: the seller's delivery log. */
@Entity('webhooks_delivery')
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Insertion order, for keyset pages of the log. */
  @Column({ type: 'bigint', insert: false, update: false, transformer: bigintNumber })
  seq!: number;

  @Column('uuid', { name: 'seller_id' })
  sellerId!: string;

  @Column('uuid', { name: 'endpoint_id' })
  endpointId!: string;

  /** The outbox id of the event (the webhook-id header). */
  @Column('bigint', { name: 'event_id', transformer: bigintNumber })
  eventId!: number;

  @Column('text', { name: 'event_type' })
  eventType!: string;

  /** The endpoint's URL when this attempt was made. */
  @Column('text')
  url!: string;

  @Column('int')
  attempt!: number;

  /** succeeded: 2xx; retrying: failed, another attempt follows; failed: failed and the last attempt. */
  @Column('text')
  status!: DeliveryStatus;

  @Column('int', { name: 'response_status', nullable: true })
  responseStatus!: number | null;

  @Column('text', { name: 'response_body', nullable: true })
  responseBody!: string | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('int', { name: 'duration_ms' })
  durationMs!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
