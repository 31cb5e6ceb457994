import pg from 'pg';
import type { Logger } from 'pino';

export interface NotificationListenerOptions {
  databaseUrl: string;
  /** The PostgreSQL channel (LISTEN name). */
  channel: string;
  log: Logger;
  /** Each NOTIFY payload on the channel, in commit order. */
  onNotification(payload: string): void;
  /**
   * true once listening; false when the connection is lost, so notifications may have been missed
   * until the next true (reconnection is automatic, backing off up to 30 s).
   */
  onLive(live: boolean): void;
}

export interface NotificationListener {
  stop(): Promise<void>;
}

/**
 * One dedicated connection LISTENing on a channel: how every app instance hears about writes made
 * by the others (NOTIFY is delivered at commit, to every listener). Resolves after the first attempt
 * to listen, successful or not.
 */
export async function listenForNotifications(options: NotificationListenerOptions): Promise<NotificationListener> {
  const { databaseUrl, channel, log, onNotification, onLive } = options;
  let client: pg.Client | undefined;
  let stopped = false;
  let retryMs = 500;
  let timer: NodeJS.Timeout | undefined;

  const lost = (err?: Error) => {
    if (stopped || !client) return;
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    client = undefined;
    onLive(false);
    log.warn({ err, channel, retryMs }, 'lost the notification connection; reconnecting');
    timer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 30_000);
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    const next = new pg.Client({ connectionString: databaseUrl, application_name: `zoco-listen-${channel}` });
    client = next;
    next.on('notification', (msg) => {
      if (msg.channel === channel) onNotification(msg.payload ?? '');
    });
    next.on('error', lost);
    next.on('end', () => lost(new Error('connection ended')));
    try {
      await next.connect();
      await next.query(`LISTEN "${channel}"`);
      if (stopped || client !== next) return;
      retryMs = 500;
      onLive(true);
    } catch (err) {
      if (client === next) lost(err as Error);
    }
  }

  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const last = client;
      client = undefined;
      onLive(false);
      last?.removeAllListeners();
      last?.on('error', () => undefined);
      await last?.end().catch(() => undefined);
    },
  };
}
