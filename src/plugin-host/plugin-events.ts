import pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/pg-errors';
import type { DomainEvent } from '../events/event-types';
import type { AppServices } from '../core/context';
import type { AnyPlugin, PluginEventHandler, PluginWideScope } from './define-plugin';
import { createPluginScope } from './plugin-scope';
import { grantedPermissions } from './installation-cache';
import { wideTable } from './plugin-privacy';

/** plugin_retry's seller of a seller-less event's run (one per plugin, not per seller). */
const NO_SELLER = '00000000-0000-0000-0000-000000000000';

export interface PluginEventsOptions {
  app: AppServices;
  plugins: readonly AnyPlugin[];
  /** First retry after this many ms, doubling each time. */
  retryBaseMs?: number;
  /** Runs of a failing handler before it gives up (its error stays visible to the seller). */
  maxAttempts?: number;
  pollIntervalMs?: number;
  /** The polling of due retries runs on its own connection, off the app's pool and statement count. */
  databaseUrl: string;
  /** How long a process holds a pair's head row before another may take it over (a crash mid-delivery); ms. */
  leaseMs?: number;
  /** Pairs worked at once by this process. */
  maxPairs?: number;
  /** Each run of a handler: `failed` schedules a retry, `gave_up` was the last one (metrics). */
  onDelivery?: (plugin: string, outcome: 'ok' | 'failed' | 'gave_up') => void;
}

function handlerFor(plugin: AnyPlugin, type: string): PluginEventHandler<unknown> | undefined {
  const on = plugin.on as Record<string, PluginEventHandler<unknown>> | undefined;
  return (on && Object.hasOwn(on, type) ? on[type] : undefined) ?? on?.['*'];
}

/** A handler the plugin names for a seller-less event (`'*'` is for its sellers' events only). */
function namedHandler(plugin: AnyPlugin, type: string): ((event: DomainEvent, scope: PluginWideScope) => Promise<void>) | undefined {
  const on = plugin.on as Record<string, (event: DomainEvent, scope: PluginWideScope) => Promise<void>> | undefined;
  return on && Object.hasOwn(on, type) ? on[type] : undefined;
}

/**
 * Delivers domain events to the plugins installed by the event's seller. A failing handler never
 * fails the request or the other plugins: its error is recorded on the seller's installation and it is
 * retried with exponential backoff from `plugin_retry`, until it succeeds or gives up.
 */
export function createPluginEvents({ app, plugins, retryBaseMs = 1_000, maxAttempts = 6, pollIntervalMs = 1_000, databaseUrl, onDelivery, leaseMs = 5 * 60_000, maxPairs = 64 }: PluginEventsOptions) {
  // Retries, queue claims and deletions run on connections of their own, off the app's pool.
  const poller = new pg.Pool({ connectionString: databaseUrl, max: 3, application_name: 'zoco-plugin-deliveries' });
  const log: Logger = app.log.child({ component: 'plugin-events' });
  // Idle connections cut by the server: the pool drops them and the next poll reconnects. Unhandled, this ends the process.
  poller.on('error', (err) => log.warn({ err }, 'plugin retry poller lost an idle database connection'));
  const byName = new Map(plugins.map((p) => [p.name, p]));
  let stopped = false;

  /** The handler's run for one seller (or, NO_SELLER, the plugin's one run of a seller-less event). */
  async function invoke(plugin: AnyPlugin, sellerId: string, event: DomainEvent): Promise<(() => Promise<void>) | null> {
    if (sellerId === NO_SELLER) {
      const handler = namedHandler(plugin, event.type);
      if (!handler) return null;
      const log = app.log.child({ plugin: plugin.name });
      return () => handler(event, { plugin: plugin.name, log, table: (entity) => wideTable(plugin, app.db.manager, entity) });
    }
    const handler = handlerFor(plugin, event.type);
    if (!handler) return null;
    const installation = await app.installations.load(plugin.name, sellerId);
    if (!installation) return null;
    const scope = createPluginScope({ plugin: plugin.name, permissions: grantedPermissions(plugin.permissions, installation), sellerId, config: installation.config, app });
    return () => handler(event, scope);
  }

  async function run(plugin: AnyPlugin, sellerId: string, event: DomainEvent): Promise<string | null> {
    const call = await invoke(plugin, sellerId, event);
    if (!call) return null;
    try {
      await call();
      onDelivery?.(plugin.name, 'ok');
      return null;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ plugin: plugin.name, sellerId, eventId: event.id, err: message }, 'plugin event handler failed');
      onDelivery?.(plugin.name, 'failed');
      // The retry first: the installation reads FAILING as soon as its error shows.
      await app.db.query(
        `INSERT INTO plugin_retry (plugin, seller_id, event_id, next_attempt_at, last_error)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4::float8 / 1000), $5)
         ON CONFLICT (plugin, seller_id, event_id) DO NOTHING`,
        [plugin.name, sellerId, event.id, retryBaseMs, message.slice(0, 2000)],
      );
      await app.db.query(
        'UPDATE plugin_installation SET failures = failures + 1, last_error = $3, last_error_at = now() WHERE plugin = $1 AND seller_id = $2',
        [plugin.name, sellerId, `${event.type}: ${message}`.slice(0, 2000)],
      );
      return message;
    }
  }

  /**
   * The outbox hook: queues the event for every plugin that handles it and is installed by its seller,
   * one queue per (plugin, seller) pair (plugin_delivery); the queues are worked outside the dispatcher's
   * loop, so a seller's endpoint that never answers holds up only that seller's deliveries (issue 16).
   * An event without a seller (`customer.erased`, `cart.updated`) is queued once for every plugin that names
   * it, on its NO_SELLER pair. Idempotent: an event queued twice (at-least-once dispatch) is one row.
   */
  async function deliver(event: DomainEvent): Promise<void> {
    const payloadSeller = (event.payload as { sellerId?: unknown }).sellerId;
    const sellerId = typeof payloadSeller === 'string' ? payloadSeller : NO_SELLER;
    const names: string[] = [];
    for (const plugin of plugins) {
      if (sellerId === NO_SELLER) {
        if (namedHandler(plugin, event.type)) names.push(plugin.name);
      } else if (handlerFor(plugin, event.type) && (await app.installations.load(plugin.name, sellerId))) {
        names.push(plugin.name);
      }
    }
    if (!names.length) return;
    await app.db.query(
      `INSERT INTO plugin_delivery (event_id, plugin, seller_id) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING`,
      [event.id, names, sellerId],
    );
    kickQueues();
  }

  interface Claimed {
    id: string;
    plugin: string;
    sellerId: string;
    eventId: string;
    type: string;
    payload: unknown;
    createdAt: Date;
  }
  const pairKey = (plugin: string, sellerId: string) => `${plugin}:${sellerId}`;
  /** Pairs being worked by this process: each holds the lease of its head row. */
  const working = new Map<string, Promise<void>>();
  const CLAIMED = `SELECT c.id, c.plugin, c.seller_id AS "sellerId", o.id AS "eventId", o.type, o.payload, o.created_at AS "createdAt"
                     FROM claimed c JOIN outbox o ON o.id = c.event_id ORDER BY c.id`;

  /** Leases the oldest row of each idle pair (another process's lease, still running, keeps its pair). */
  async function claimHeads(): Promise<Claimed[]> {
    if (working.size >= maxPairs) return [];
    const { rows } = await poller.query<Claimed>(
      `WITH heads AS (SELECT DISTINCT ON (plugin, seller_id) id, plugin, seller_id, leased_until FROM plugin_delivery ORDER BY plugin, seller_id, id),
            idle AS (
              SELECT id FROM heads WHERE (leased_until IS NULL OR leased_until < now()) AND NOT (plugin || ':' || seller_id::text = ANY($2::text[]))
               ORDER BY id LIMIT $3),
            claimed AS (
              UPDATE plugin_delivery d SET leased_until = now() + make_interval(secs => $1::float8 / 1000) FROM idle
               WHERE d.id = idle.id AND (d.leased_until IS NULL OR d.leased_until < now())
              RETURNING d.*)
       ${CLAIMED}`,
      [leaseMs, [...working.keys()], maxPairs - working.size],
    );
    return rows;
  }

  /** The pair's next row, leased, or null when its queue is empty. */
  async function claimNext(plugin: string, sellerId: string): Promise<Claimed | null> {
    const { rows } = await poller.query<Claimed>(
      `WITH claimed AS (
         UPDATE plugin_delivery d SET leased_until = now() + make_interval(secs => $3::float8 / 1000)
          WHERE d.id = (SELECT id FROM plugin_delivery WHERE plugin = $1 AND seller_id = $2 ORDER BY id LIMIT 1)
            AND (d.leased_until IS NULL OR d.leased_until < now())
         RETURNING d.*)
       ${CLAIMED}`,
      [plugin, sellerId, leaseMs],
    );
    return rows[0] ?? null;
  }

  /** Works one pair's queue in order until it is empty; a failure goes to plugin_retry as before and the queue moves on. */
  async function work(first: Claimed): Promise<void> {
    let row: Claimed | null = first;
    while (row && !stopped) {
      const plugin = byName.get(row.plugin);
      const event = { id: Number(row.eventId), type: row.type, payload: row.payload, createdAt: row.createdAt } as DomainEvent;
      if (plugin) await run(plugin, row.sellerId, event);
      await poller.query('DELETE FROM plugin_delivery WHERE id = $1', [row.id]);
      row = await claimNext(row.plugin, row.sellerId);
    }
  }

  let claiming: Promise<void> | null = null;
  let claimAgain = false;
  function kickQueues(): void {
    if (stopped) return;
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = (async () => {
      do {
        claimAgain = false;
        for (const head of await claimHeads()) {
          const key = pairKey(head.plugin, head.sellerId);
          const done = work(head)
            .catch((err: unknown) =>
              isDatabaseUnavailable(err)
                ? log.warn({ err }, 'plugin deliveries paused: database unavailable; the lease runs out and the next poll retries')
                : log.error({ err, plugin: head.plugin, sellerId: head.sellerId }, 'plugin delivery queue failed'),
            )
            .finally(() => {
              working.delete(key);
              // The pair may have more, or other pairs waited for room.
              kickQueues();
            });
          working.set(key, done);
        }
      } while (claimAgain && !stopped);
    })()
      .catch((err: unknown) =>
        isDatabaseUnavailable(err) ? log.warn({ err }, 'plugin deliveries paused: database unavailable') : log.error({ err }, 'plugin delivery claim failed'),
      )
      .finally(() => {
        claiming = null;
      });
  }

  async function retryDue(): Promise<void> {
    const { rows: due } = await poller.query<{ id: string; plugin: string; sellerId: string; attempts: number; type: string; payload: unknown; createdAt: Date; eventId: string }>(
        `SELECT r.id, r.plugin, r.seller_id AS "sellerId", r.attempts, r.event_id AS "eventId", o.type, o.payload, o.created_at AS "createdAt"
           FROM plugin_retry r JOIN outbox o ON o.id = r.event_id
          WHERE r.gave_up_at IS NULL AND r.next_attempt_at <= now() ORDER BY r.next_attempt_at LIMIT 50`,
      );
    for (const r of due) {
      const plugin = byName.get(r.plugin);
      // Claim it: another process may be retrying the same row.
      const [, claimed] = await app.db.query(
        `UPDATE plugin_retry SET next_attempt_at = now() + interval '5 minutes' WHERE id = $1 AND next_attempt_at <= now()`,
        [r.id],
      );
      if (!plugin || !claimed) continue;
      const event = { id: Number(r.eventId), type: r.type, payload: r.payload, createdAt: r.createdAt } as DomainEvent;
      const error = await run(plugin, r.sellerId, event);
      if (error === null) {
        await app.db.query('DELETE FROM plugin_retry WHERE id = $1', [r.id]);
        continue;
      }
      const attempts = r.attempts + 1;
      const maxRuns = plugin.retry?.maxAttempts ?? maxAttempts;
      if (attempts >= maxRuns) onDelivery?.(plugin.name, 'gave_up');
      await app.db.query(
        `UPDATE plugin_retry SET attempts = $2::int, last_error = $3,
                next_attempt_at = now() + make_interval(secs => $4::float8 / 1000),
                gave_up_at = CASE WHEN $2::int >= $5::int THEN now() END
          WHERE id = $1`,
        [r.id, attempts, error.slice(0, 2000), retryBaseMs * 2 ** (attempts - 1), maxRuns],
      );
    }
  }

  let busy: Promise<void> | null = null;
  const tick = () => {
    busy ??= retryDue()
      .catch((err: unknown) =>
        isDatabaseUnavailable(err)
          ? log.warn({ err }, 'plugin retries paused: database unavailable; the next poll retries')
          : log.error({ err }, 'plugin retries failed'),
      )
      .finally(() => {
        busy = null;
      });
  };
  const timer = setInterval(() => {
    tick();
    kickQueues();
  }, pollIntervalMs);
  timer.unref();

  return {
    deliver,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await busy;
      await claiming;
      // A handler that never answers keeps its pair's lease until it runs out; the stop does not wait for it.
      await Promise.race([Promise.all(working.values()), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await poller.end();
    },
  };
}
