import type { PubSubEventTarget } from '@graphql-yoga/subscription';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { listenForNotifications, type NotificationListener } from '../db/notification-listener';

type Listener = ((event: CustomEvent) => void) | { handleEvent(event: CustomEvent): void } | null;

const CHANNEL = 'zoco_pubsub';
/** PostgreSQL refuses NOTIFY payloads from 8000 bytes. */
const MAX_PAYLOAD = 7_999;

export type PostgresEventTarget<Args extends Record<string, [unknown]>> = PubSubEventTarget<Args> & {
  close(): Promise<void>;
};

/**
 * An EventTarget for `createPubSub` that carries events between app instances through PostgreSQL
 * LISTEN/NOTIFY: no other server to run. One channel for every topic; messages are JSON and must stay
 * under 8000 bytes (events carry ids, not documents). Like Redis pub/sub, delivery is at most once:
 * a message sent while an instance's listening connection is down is lost to it.
 */
export async function createPostgresEventTarget<Args extends Record<string, [unknown]>>({ db, databaseUrl, log }: { db: DataSource; databaseUrl: string; log: Logger }): Promise<PostgresEventTarget<Args>> {
  const callbacks = new Map<string, Set<(event: CustomEvent) => void>>();
  const listener: NotificationListener = await listenForNotifications({
    databaseUrl,
    channel: CHANNEL,
    log,
    onLive: () => undefined,
    onNotification(payload) {
      let message: { topic: string; detail: unknown };
      try {
        message = JSON.parse(payload);
      } catch {
        log.warn({ payload: payload.slice(0, 200) }, 'ignored a pubsub notification that is not JSON');
        return;
      }
      for (const callback of callbacks.get(message.topic) ?? []) callback(new CustomEvent(message.topic, { detail: message.detail }));
    },
  });
  const callbackOf = (listener: Listener) => listener && ('handleEvent' in listener ? listener.handleEvent.bind(listener) : listener);
  return {
    addEventListener(topic: string, listener: Listener) {
      const callback = callbackOf(listener);
      if (!callback) return;
      if (!callbacks.has(topic)) callbacks.set(topic, new Set());
      callbacks.get(topic)!.add(callback);
    },
    removeEventListener(topic: string, listener: Listener) {
      const callback = callbackOf(listener);
      const set = callbacks.get(topic);
      if (!callback || !set) return;
      set.delete(callback);
      if (!set.size) callbacks.delete(topic);
    },
    dispatchEvent(event: CustomEvent) {
      const payload = JSON.stringify({ topic: event.type, detail: event.detail ?? null });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
        log.error({ topic: event.type, bytes: Buffer.byteLength(payload) }, 'pubsub message over 8000 bytes not sent');
        return false;
      }
      db.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch((err: unknown) => log.error({ err, topic: event.type }, 'pubsub publish failed'));
      return true;
    },
    close: () => listener.stop(),
  } as unknown as PostgresEventTarget<Args>;
}
