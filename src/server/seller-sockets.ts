import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/viewer';
import { listenForNotifications } from '../db/notification-listener';

/** The channel on which migration 1764020000000's triggers announce `key:<id>` revoked and `seller:<id>` suspended. */
export const SELLER_ACCESS_CHANNEL = 'zoco_seller_access';

/** graphql-ws's "Forbidden" close code, the one a socket with bad credentials gets at connection_init. */
const FORBIDDEN = 4403;

interface Holder {
  sellerId: string;
  sockets: Set<WebSocket>;
}

/**
 * The open WebSockets of seller keys on this instance, so that revoking a key or suspending a seller
 * cuts its live connections within seconds (issue 9) and not when the client next reconnects. Every
 * instance hears revocations through NOTIFY (`onNotification`); `recheck` asks the database again for
 * the keys with open sockets, after the listener was down and on a slow timer as a safety net.
 */
export class SellerSockets {
  private readonly byKey = new Map<string, Holder>();

  constructor(private readonly db: DataSource) {}

  /** Tracks a socket that authenticated as `viewer` until it closes. */
  add(viewer: Viewer, socket: WebSocket): void {
    if (viewer.kind !== 'seller') return;
    let holder = this.byKey.get(viewer.keyId);
    if (!holder) {
      holder = { sellerId: viewer.sellerId, sockets: new Set() };
      this.byKey.set(viewer.keyId, holder);
    }
    holder.sockets.add(socket);
    socket.once('close', () => {
      holder.sockets.delete(socket);
      if (!holder.sockets.size && this.byKey.get(viewer.keyId) === holder) this.byKey.delete(viewer.keyId);
    });
  }

  /** A NOTIFY payload of SELLER_ACCESS_CHANNEL. */
  onNotification(payload: string): void {
    const [kind, id] = payload.split(':', 2);
    if (kind === 'key' && id) this.closeKey(id);
    if (kind === 'seller' && id) for (const [keyId, holder] of this.byKey) if (holder.sellerId === id) this.closeKey(keyId);
  }

  /** Closes the sockets of every tracked key that is revoked, deleted or whose seller is no longer active. */
  async recheck(): Promise<void> {
    const keyIds = [...this.byKey.keys()];
    if (!keyIds.length) return;
    const live: { id: string }[] = await this.db.query(
      `SELECT k.id FROM seller_api_key k JOIN seller s ON s.id = k.seller_id
        WHERE k.id = ANY($1::uuid[]) AND k.revoked_at IS NULL AND s.status = 'active'`,
      [keyIds],
    );
    const alive = new Set(live.map((r) => r.id));
    for (const id of keyIds) if (!alive.has(id)) this.closeKey(id);
  }

  private closeKey(keyId: string): void {
    const holder = this.byKey.get(keyId);
    if (!holder) return;
    this.byKey.delete(keyId);
    for (const socket of holder.sockets) socket.close(FORBIDDEN, 'Forbidden: the API key was revoked or its seller suspended');
  }
}

/** How often every instance re-checks the keys with open sockets, whatever NOTIFY said. */
const RECHECK_MS = 30_000;

/**
 * SellerSockets wired to the database: LISTENs on SELLER_ACCESS_CHANNEL, re-checks whenever the
 * listener (re)connects (notifications may have been missed while it was down) and every RECHECK_MS.
 */
export async function watchSellerSockets({ db, databaseUrl, log }: { db: DataSource; databaseUrl: string; log: Logger }) {
  const sockets = new SellerSockets(db);
  const recheck = () => void sockets.recheck().catch((err) => log.warn({ err }, 'could not re-check the seller keys of open sockets'));
  const listener = await listenForNotifications({
    databaseUrl,
    channel: SELLER_ACCESS_CHANNEL,
    log,
    onNotification: (payload) => sockets.onNotification(payload),
    onLive: (live) => live && recheck(),
  });
  const timer = setInterval(recheck, RECHECK_MS).unref();
  return {
    sockets,
    async stop(): Promise<void> {
      clearInterval(timer);
      await listener.stop();
    },
  };
}
