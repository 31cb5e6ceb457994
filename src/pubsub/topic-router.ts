import type { Logger } from 'pino';
import type { PubSubHandle, PublishedEvent } from './pubsub';

/** Called with each event of a topic, synchronously and in arrival order. */
export type TopicListener = (event: PublishedEvent) => void;

export interface TopicRouter {
  /** Hears `topic` until the returned function is called; the pubsub listens to it once per instance, however many listen here. */
  listen(topic: string, listener: TopicListener): () => void;
  /**
   * Resolves once what is published on `topic` reaches this instance's listeners (PubSubHandle.heard): a
   * subscription that replays from the database awaits it after `listen` and before its first read.
   */
  heard(topic: string): Promise<void>;
  /** Topics heard on this instance (metrics, benchmarks). */
  size(): number;
}

interface Route {
  listeners: Set<TopicListener>;
  heard: Promise<void>;
  stop(): void;
}

/**
 * Per-recipient topics (`offers:<customerId>`, `orders:seller:<id>`): an event costs work only for its
 * recipients' subscriptions, not for every subscription to a shared topic with a filter (issue 16 measured
 * 145–207 ms for 2 recipients among 10,000). One pubsub subscription per topic however many sockets of the
 * same customer listen, so no EventTarget gathers more than one listener per topic (MaxListenersExceededWarning).
 */
export function createTopicRouter({ eventTarget, heard }: Pick<PubSubHandle, 'eventTarget' | 'heard'>, log: Logger): TopicRouter {
  const routes = new Map<string, Route>();

  function open(topic: string): Route {
    const listeners = new Set<TopicListener>();
    // On the pubsub's target itself, not through pubSub.subscribe's Repeater (an async iterator per topic, a
    // buffered hop per event): publishing took 4.3% of a 10,000-offer fan-out's server profile, now 1.2% (issue 16).
    const onEvent = (event: Event) => {
      const published = (event as CustomEvent<PublishedEvent>).detail;
      for (const listener of listeners) {
        try {
          listener(published);
        } catch (err) {
          log.error({ err, topic }, 'a topic listener failed');
        }
      }
    };
    eventTarget.addEventListener(topic, onEvent);
    return {
      listeners,
      // The pubsub's listener is added (above): its SUBSCRIBE is under way.
      heard: heard(topic),
      stop: () => eventTarget.removeEventListener(topic, onEvent),
    };
  }

  return {
    size: () => routes.size,
    heard: (topic) => routes.get(topic)?.heard ?? Promise.resolve(),
    listen(topic, listener) {
      let route = routes.get(topic);
      if (!route) {
        route = open(topic);
        routes.set(topic, route);
      }
      route.listeners.add(listener);
      return () => {
        const current = routes.get(topic);
        if (!current?.listeners.delete(listener) || current.listeners.size) return;
        routes.delete(topic);
        current.stop();
      };
    },
  };
}

/** The topic of a customer's offers. */
export const offersTopic = (customerId: string) => `offers:${customerId}`;
/** The topics of an order's updates: its customer's and its seller's. */
export const customerOrdersTopic = (customerId: string) => `orders:customer:${customerId}`;
export const sellerOrdersTopic = (sellerId: string) => `orders:seller:${sellerId}`;
