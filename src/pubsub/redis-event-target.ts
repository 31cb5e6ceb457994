import type { PubSubEventTarget } from '@graphql-yoga/subscription';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

type Listener = ((event: CustomEvent) => void) | { handleEvent(event: CustomEvent): void } | null;

export type RedisEventTarget<Args extends Record<string, [unknown]>> = PubSubEventTarget<Args> & {
  /** Resolves once Redis has acknowledged this instance's SUBSCRIBE to `topic` (at once when not subscribed). */
  heard(topic: string): Promise<void>;
};

/**
 * An EventTarget for `createPubSub` over Redis pub/sub, one Redis channel per topic, like
 * @graphql-yoga/redis-event-target, which it replaces for one thing: the SUBSCRIBE is not acknowledged
 * when addEventListener returns, and a subscription that replays from the database before going live
 * (offers) must not read before it is, or a message published in between is lost (`heard`).
 */
export function createRedisEventTarget<Args extends Record<string, [unknown]>>({
  publishClient,
  subscribeClient,
  log,
}: {
  publishClient: Redis;
  subscribeClient: Redis;
  log: Logger;
}): RedisEventTarget<Args> {
  const callbacks = new Map<string, { listeners: Set<(event: CustomEvent) => void>; subscribed: Promise<void> }>();
  subscribeClient.on('message', (channel: string, message: string) => {
    const topic = callbacks.get(channel);
    if (!topic) return;
    let detail: unknown;
    try {
      detail = message === '' ? null : JSON.parse(message);
    } catch {
      log.warn({ channel }, 'ignored a redis pubsub message that is not JSON');
      return;
    }
    for (const callback of topic.listeners) callback(new CustomEvent(channel, { detail }));
  });
  const callbackOf = (listener: Listener) => listener && ('handleEvent' in listener ? listener.handleEvent.bind(listener) : listener);
  return {
    addEventListener(topic: string, listener: Listener) {
      const callback = callbackOf(listener);
      if (!callback) return;
      let entry = callbacks.get(topic);
      if (!entry) {
        // A failed SUBSCRIBE is logged, and `heard` resolves anyway: the replay then reads what it can, as with a lost message.
        const subscribed = subscribeClient.subscribe(topic).then(
          () => undefined,
          (err: unknown) => log.warn({ err, topic }, 'redis pubsub subscribe failed'),
        );
        entry = { listeners: new Set(), subscribed };
        callbacks.set(topic, entry);
      }
      entry.listeners.add(callback);
    },
    removeEventListener(topic: string, listener: Listener) {
      const callback = callbackOf(listener);
      const entry = callbacks.get(topic);
      if (!callback || !entry) return;
      entry.listeners.delete(callback);
      if (entry.listeners.size) return;
      callbacks.delete(topic);
      subscribeClient.unsubscribe(topic).catch((err: unknown) => log.warn({ err, topic }, 'redis pubsub unsubscribe failed'));
    },
    dispatchEvent(event: CustomEvent) {
      publishClient.publish(event.type, event.detail === undefined ? '' : JSON.stringify(event.detail)).catch((err: unknown) => log.error({ err, topic: event.type }, 'pubsub publish failed'));
      return true;
    },
    heard: (topic: string) => callbacks.get(topic)?.subscribed ?? Promise.resolve(),
  } as unknown as RedisEventTarget<Args>;
}
