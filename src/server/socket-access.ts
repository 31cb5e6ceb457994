import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/viewer';
import { listenForNotifications } from '../db/notification-listener';

/**
 * The channel on which the database announces lost access (migrations 1764020000000 and 1764060000000):
 * `key:<id>` revoked, `seller:<id>` suspended, `session:<id>` revoked, `customer:<id>:<version>` whose
 * tokens of older versions are refused, `customer:<id>` erased.
 */
export const SOCKET_ACCESS_CHANNEL = 'zoco_socket_access';

/** graphql-ws's "Forbidden" close code, the one a socket with bad credentials gets at connection_init. */
const FORBIDDEN = 4403;

/** What a socket authenticated with: the viewer's credentials, whose loss closes it. */
type Grant =
  | { kind: 'seller'; sellerId: string; keyId: string }
  | { kind: 'customer'; customerId: string; sessionId: string; version: number; expiresAt: number };

/** The notification subjects under which a grant's sockets are found. */
const subjectsOf = (grant: Grant): string[] =>
  grant.kind === 'seller' ? [`key:${grant.keyId}`, `seller:${grant.sellerId}`] : [`session:${grant.sessionId}`, `customer:${grant.customerId}`];

function grantOf(viewer: Viewer): Grant | null {
  if (viewer.kind === 'seller') return { kind: 'seller', sellerId: viewer.sellerId, keyId: viewer.keyId };
  if (viewer.kind === 'customer' && viewer.sessionId && viewer.token) {
    const { customerId, sessionId, token } = viewer;
    return { kind: 'customer', customerId, sessionId, version: token.version, expiresAt: token.expiresAt.getTime() };
  }
  return null;
}

/**
 * The open WebSockets of seller keys and customer access tokens on this instance, so that revoking a
 * key, suspending a seller, ending a customer's session, logging out everywhere, changing or resetting
 * the password and erasing the customer cut live connections within seconds (issue 9) and not when the
 * client next reconnects. Every instance hears of it through NOTIFY (`onNotification`); `recheck` asks
 * the database again for the credentials of open sockets, after the listener was down and on a slow
 * timer as a safety net, and closes the sockets whose access token has expired.
 */
export class SocketAccess {
  private readonly grants = new Map<WebSocket, Grant>();
  private readonly bySubject = new Map<string, Set<WebSocket>>();

  constructor(private readonly db: DataSource) {}

  /** Tracks a socket that authenticated as `viewer` (a seller key or a customer token) until it closes. */
  add(viewer: Viewer, socket: WebSocket): void {
    const grant = grantOf(viewer);
    if (!grant) return;
    this.grants.set(socket, grant);
    for (const subject of subjectsOf(grant)) {
      const sockets = this.bySubject.get(subject) ?? new Set();
      this.bySubject.set(subject, sockets.add(socket));
    }
    socket.once('close', () => this.forget(socket));
  }

  /** A NOTIFY payload of SOCKET_ACCESS_CHANNEL. */
  onNotification(payload: string): void {
    const [kind, id, version] = payload.split(':', 3);
    if (!kind || !id) return;
    const current = version === undefined ? undefined : Number(version);
    for (const socket of this.bySubject.get(`${kind}:${id}`) ?? []) {
      const grant = this.grants.get(socket);
      // A customer's new version refuses older tokens only: the token a password change just issued stays good.
      if (grant?.kind === 'customer' && current !== undefined && Number.isSafeInteger(current) && grant.version >= current) continue;
      this.close(socket);
    }
  }

  /** Closes the sockets whose key, seller, session, customer or token version lost access, or whose token expired. */
  async recheck(): Promise<void> {
    // Only the sockets open now: one added while the query runs is not in its answer.
    const checked = [...this.grants];
    const keyIds = new Set<string>();
    const sessionIds = new Set<string>();
    for (const [, grant] of checked) {
      if (grant.kind === 'seller') keyIds.add(grant.keyId);
      else sessionIds.add(grant.sessionId);
    }
    if (!keyIds.size && !sessionIds.size) return;
    const [keys, sessions] = await Promise.all([
      keyIds.size
        ? (this.db.query(
            `SELECT k.id FROM seller_api_key k JOIN seller s ON s.id = k.seller_id
              WHERE k.id = ANY($1::uuid[]) AND k.revoked_at IS NULL AND s.status = 'active'`,
            [[...keyIds]],
          ) as Promise<{ id: string }[]>)
        : [],
      sessionIds.size
        ? (this.db.query(
            `SELECT s.id, c.token_version AS version FROM customer_session s JOIN customer c ON c.id = s.customer_id
              WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > now() AND c.erased_at IS NULL`,
            [[...sessionIds]],
          ) as Promise<{ id: string; version: number }[]>)
        : [],
    ]);
    const liveKeys = new Set(keys.map((r) => r.id));
    const versions = new Map(sessions.map((r) => [r.id, r.version]));
    const now = Date.now();
    for (const [socket, grant] of checked) {
      if (this.grants.get(socket) !== grant) continue;
      const live =
        grant.kind === 'seller'
          ? liveKeys.has(grant.keyId)
          : versions.get(grant.sessionId) === grant.version && grant.expiresAt > now;
      if (!live) this.close(socket);
    }
  }

  private close(socket: WebSocket): void {
    const grant = this.grants.get(socket);
    if (!grant) return;
    this.forget(socket);
    const reason = grant.kind === 'seller' ? 'Forbidden: the API key was revoked or its seller suspended' : 'Forbidden: the access token was revoked or expired';
    socket.close(FORBIDDEN, reason);
  }

  private forget(socket: WebSocket): void {
    const grant = this.grants.get(socket);
    if (!grant) return;
    this.grants.delete(socket);
    for (const subject of subjectsOf(grant)) {
      const sockets = this.bySubject.get(subject);
      sockets?.delete(socket);
      if (sockets && !sockets.size) this.bySubject.delete(subject);
    }
  }
}

/** How often every instance re-checks the credentials of open sockets by default, whatever NOTIFY said. */
export const SOCKET_RECHECK_MS = 30_000;

/**
 * SocketAccess wired to the database: LISTENs on SOCKET_ACCESS_CHANNEL, re-checks whenever the listener
 * (re)connects (notifications may have been missed while it was down) and every `recheckMs`, which also
 * bounds how long a socket outlives its access token.
 */
export async function watchSocketAccess({
  db,
  databaseUrl,
  log,
  recheckMs = SOCKET_RECHECK_MS,
}: {
  db: DataSource;
  databaseUrl: string;
  log: Logger;
  recheckMs?: number;
}) {
  const sockets = new SocketAccess(db);
  const recheck = () => void sockets.recheck().catch((err) => log.warn({ err }, 'could not re-check the credentials of open sockets'));
  const listener = await listenForNotifications({
    databaseUrl,
    channel: SOCKET_ACCESS_CHANNEL,
    log,
    onNotification: (payload) => sockets.onNotification(payload),
    onLive: (live) => live && recheck(),
  });
  const timer = setInterval(recheck, recheckMs).unref();
  return {
    sockets,
    async stop(): Promise<void> {
      clearInterval(timer);
      await listener.stop();
    },
  };
}
