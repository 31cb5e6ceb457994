import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { DomainEvent } from '../events/event-types';
import { createPostgresEventTarget } from './postgres-event-target';
import { createRedisEventTarget } from './redis-event-target';

/** A domain event as subscriptions receive it: JSON all the way (the time is an ISO string). */
export type PublishedEvent = Omit<DomainEvent, 'createdAt'> & { createdAt: string };

/** Topics are event types (`order.paid`, `co-creation.proposal.approved`); every dispatched event is published. */
export type AppPubSub = PubSub<Record<string, [PublishedEvent]>>;

export type PubSubKind = 'memory' | 'postgres' | 'redis';

/** Where the pubsub's events are dispatched, one event type per topic (its `detail` is the PublishedEvent). */
export type TopicTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export interface PubSubHandle {
  pubSub: AppPubSub;
  /** The pubsub's own target: the topic router listens on it without an async iterator per topic. */
  eventTarget: TopicTarget;
  /**
   * Resolves once this instance receives what is published on `topic` from now on (a subscriber listens
   * first, then waits for this, then reads the database: nothing falls between). At once in memory and
   * over PostgreSQL (one channel LISTENed at start); Redis acknowledges each topic's SUBSCRIBE.
   */
  heard(topic: string): Promise<void>;
  close(): Promise<void>;
}

interface PubSubOptions {
  kind: PubSubKind;
  db: DataSource;
  databaseUrl: string;
  redisUrl?: string;
  log: Logger;
}

/**
 * Carries dispatched events to subscriptions. `memory` reaches this instance's subscribers only (one
 * instance); `postgres` (LISTEN/NOTIFY) and `redis` reach every instance's, whichever dispatched the event.
 */
export async function createAppPubSub({ kind, db, databaseUrl, redisUrl, log }: PubSubOptions): Promise<PubSubHandle> {
  if (kind === 'postgres') {
    const eventTarget = await createPostgresEventTarget<Record<string, [PublishedEvent]>>({ db, databaseUrl, log });
    return { pubSub: createPubSub<Record<string, [PublishedEvent]>>({ eventTarget }), eventTarget, heard: () => Promise.resolve(), close: () => eventTarget.close() };
  }
  if (kind === 'redis') {
    if (!redisUrl) throw new Error('the redis pubsub needs a Redis URL (ZOCO_REDIS_URL)');
    const publishClient = new Redis(redisUrl, { lazyConnect: true });
    const subscribeClient = new Redis(redisUrl, { lazyConnect: true });
    for (const client of [publishClient, subscribeClient]) client.on('error', (err) => log.warn({ err }, 'redis pubsub connection error'));
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
    const eventTarget = createRedisEventTarget<Record<string, [PublishedEvent]>>({ publishClient, subscribeClient, log });
    return {
      pubSub: createPubSub<Record<string, [PublishedEvent]>>({ eventTarget }),
      eventTarget,
      heard: (topic) => eventTarget.heard(topic),
      async close() {
        await Promise.all([publishClient.quit(), subscribeClient.quit()]);
      },
    };
  }
  const eventTarget = new EventTarget();
  return { pubSub: createPubSub<Record<string, [PublishedEvent]>>({ eventTarget }), eventTarget, heard: () => Promise.resolve(), close: async () => undefined };
}

/** The event as published: createdAt as an ISO string, the same in memory as over the wire. */
export function toPublished(event: DomainEvent): PublishedEvent {
  return { ...event, createdAt: event.createdAt instanceof Date ? event.createdAt.toISOString() : String(event.createdAt) };
}
