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
export function createPluginEvents({ app, plugins, retryBaseMs = 1_000, maxAttempts = 6, pollIntervalMs = 1_000, databaseUrl, onDelivery }: PluginEventsOptions) {
  const poller = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'zoco-plugin-retries' });
  const log: Logger = app.log.child({ component: 'plugin-events' });
  // Idle connections cut by the server: the pool drops them and the next poll reconnects. Unhandled, this ends the process.
  poller.on('error', (err) => log.warn({ err }, 'plugin retry poller lost an idle database connection'));
  const byName = new Map(plugins.map((p) => [p.name, p]));

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
   * The outbox hook: an event of a seller to every plugin that handles it and is installed by that seller;
   * an event without a seller (`customer.erased`, `cart.updated`) once to every plugin that names it.
   */
  async function deliver(event: DomainEvent): Promise<void> {
    const sellerId = (event.payload as { sellerId?: unknown }).sellerId;
    if (typeof sellerId !== 'string') {
      await Promise.all(plugins.map((plugin) => run(plugin, NO_SELLER, event)));
      return;
    }
    // Side by side: one plugin's slow handler (a webhook endpoint taking its time) doesn't hold up the others.
    await Promise.all(plugins.map((plugin) => run(plugin, sellerId, event)));
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
  const timer = setInterval(tick, pollIntervalMs);
  timer.unref();

  return {
    deliver,
    async stop(): Promise<void> {
      clearInterval(timer);
      await busy;
      await poller.end();
    },
  };
}
