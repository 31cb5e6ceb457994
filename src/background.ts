import pg from 'pg';
import type { Logger } from 'pino';
import type { AppServices } from './core/context';
import type { ModuleBatchHook, ModuleDefinition, ModuleHook, TopicPart } from './core/module';
import { listenForNotifications, type NotificationListener } from './db/notification-listener';
import { createDispatcher, type BatchEventHandler, type Dispatcher, type EventHandler } from './events/dispatcher';
import type { DomainEvent } from './events/event-types';
import type { AnyPlugin } from './plugin-host/define-plugin';
import { createPluginEvents } from './plugin-host';
import { toPublished, type AppPubSub } from './pubsub/pubsub';
import { startPaymentRecovery } from './modules/payments/payment-recovery';
import { startComplaintDeadlines } from './modules/complaints';
import { startOfferTimers, type OfferTimers } from './modules/offers';
import { startSearchTiers } from './modules/search';
import type { Metrics } from './server/metrics';

/** How often offer expiry, the idle-cart trigger and the announcement of scheduled promotions' starts run. */
const OFFER_TIMER_MS = 15_000;

/** The channel on which a commit with events wakes the dispatchers of every process (`zoco worker`s included). */
export const OUTBOX_CHANNEL = 'zoco_outbox';

/** Every module's after-commit hooks, and the pubsub: per-recipient topics where a module routes the type, else the type's own topic. */
function eventHandlers(modules: readonly ModuleDefinition[], pubSub: AppPubSub, plugins: { deliver(event: DomainEvent): Promise<void> } | null, app: () => AppServices) {
  const handlers: Record<string, EventHandler[]> = {};
  const add = (type: string, handler: EventHandler) => {
    handlers[type] = [...(handlers[type] ?? []), handler];
  };
  const routes = new Map<string, ((payload: never) => (string | TopicPart)[])[]>();
  // One handler per batch hook object, whatever the number of types it is under: it gets their events in one call.
  const batches = new Map<ModuleBatchHook, BatchEventHandler>();
  for (const m of modules) {
    // Bound to the services, made after the dispatcher (an event delivered before they exist fails and is retried).
    for (const [type, hook] of Object.entries(m.hooks ?? {}) as [string, ModuleHook | ModuleBatchHook][]) {
      if (typeof hook === 'function') add(type, (event) => hook(event, app()));
      else {
        if (!batches.has(hook)) batches.set(hook, { batch: (events) => hook.batch(events, app()) });
        add(type, batches.get(hook)!);
      }
    }
    for (const [type, route] of Object.entries(m.topics ?? {}) as [string, (payload: never) => (string | TopicPart)[]][]) routes.set(type, [...(routes.get(type) ?? []), route]);
  }
  add('*', async (event) => {
    const routed = routes.get(event.type);
    const published = toPublished(event);
    if (!routed) return pubSub.publish(event.type, published);
    // Offers and order updates carry one customer's data: never on a topic every subscriber hears.
    for (const route of routed) {
      for (const to of route(event.payload as never)) {
        if (typeof to === 'string') pubSub.publish(to, published);
        else pubSub.publish(to.topic, { ...published, payload: to.payload as DomainEvent['payload'] });
      }
    }
  });
  if (plugins) add('*', (event) => plugins.deliver(event));
  return handlers;
}

export interface EventDeliveryOptions {
  databaseUrl: string;
  log: Logger;
  modules: readonly ModuleDefinition[];
  pubSub: AppPubSub;
  /** Whether this process dispatches (background on) or only wakes those that do. */
  background: boolean;
  pollIntervalMs?: number;
  /** Plugins get every event of the sellers that installed them (queued per pair: plugin-host/plugin-delivery.ts). */
  plugins: { deliver(event: DomainEvent): Promise<void> } | null;
  /** The services, once made (hooks act with them). */
  app: () => AppServices;
}

/**
 * The `events` every ctx carries. With background work on, the outbox dispatcher. Off (API instances
 * next to `zoco worker`s), `kick` wakes the workers through NOTIFY and `drain` waits until they have
 * delivered what was committed.
 */
export function createEventDelivery({ databaseUrl, log, modules, pubSub, background, pollIntervalMs, plugins, app }: EventDeliveryOptions): Dispatcher {
  if (background) return createDispatcher({ databaseUrl, log, handlers: eventHandlers(modules, pubSub, plugins, app), pollIntervalMs });
  return remoteDispatcher(databaseUrl, log);
}

function remoteDispatcher(databaseUrl: string, log: Logger): Dispatcher {
  // A client of its own (not the app pool): a NOTIFY is one tiny statement, sent after the commit.
  let pool: pg.Pool | undefined;
  const poolOf = async () => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'zoco-outbox-kick' });
      pool.on('error', (err) => log.warn({ err }, 'outbox wake-up connection lost'));
    }
    return pool;
  };
  return {
    kick() {
      void poolOf()
        .then((p) => p.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`))
        .catch((err: unknown) => log.warn({ err }, 'could not wake the workers; they poll'));
    },
    async drain() {
      const p = await poolOf();
      for (let i = 0; i < 600; i++) {
        const { rows } = await p.query('SELECT 1 FROM outbox WHERE dispatched_at IS NULL AND attempts = 0 LIMIT 1');
        if (!rows.length) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      await pool?.end();
    },
  };
}

export interface BackgroundOptions {
  services: AppServices;
  databaseUrl: string;
  plugins: readonly AnyPlugin[];
  pollIntervalMs?: number;
  pluginRetryBaseMs?: number;
  metrics: Metrics;
}

export interface Background {
  /** The plugin event queues, bound to the dispatcher's hook (null without plugins). */
  pluginEvents: ReturnType<typeof createPluginEvents> | null;
  /** Offer expiry and the engine's time triggers (tests with a controlled clock tick them). */
  offerTimers: OfferTimers;
  stop(): Promise<void>;
}

/**
 * The work that is no request's: plugin deliveries, payment recovery, offer expiry and the offer
 * engine's timers, the search tiers' ranking, and the wake-ups of the dispatcher by other processes' commits. `zoco serve` runs it
 * in-process unless ZOCO_BACKGROUND=off; `zoco worker` runs only this (issue 16).
 */
export async function startBackground({ services, databaseUrl, plugins, pollIntervalMs, pluginRetryBaseMs, metrics }: BackgroundOptions): Promise<Background> {
  const { log, config } = services;
  const pluginEvents = plugins.length
    ? createPluginEvents({ app: services, plugins, retryBaseMs: pluginRetryBaseMs, pollIntervalMs, databaseUrl, onDelivery: metrics.pluginDelivery })
    : null;
  // Captures what committed and voids what did not, after a crash between a payment's steps (issue 9).
  const paymentRecovery = startPaymentRecovery(services, { intervalMs: config.paymentRecoveryMs });
  // Expiry shows at once by the clock (reads compare expires_at); the timer only writes it, and idle carts are
  // counted in minutes: every 15 s is plenty, and keeps the database quiet (the timers have their own connection).
  // Escalates complaints whose seller missed the deadline, without any request (issue 11).
  const complaintDeadlines = config.complaintScheduler ? startComplaintDeadlines(services, { intervalMs: config.complaintSweepMs }) : null;
  const offerTimers = startOfferTimers(services, { intervalMs: OFFER_TIMER_MS, databaseUrl });
  // Ranks the searchable products into popularity tiers (a search's candidates beyond its exact limit: search README).
  const searchTiers = startSearchTiers(services, { intervalMs: config.searchTierMs });
  const wakeUps: NotificationListener = await listenForNotifications({
    databaseUrl,
    channel: OUTBOX_CHANNEL,
    log,
    onNotification: () => services.events.kick(),
    onLive: (live) => live && services.events.kick(),
  });
  return {
    pluginEvents,
    offerTimers,
    async stop() {
      await wakeUps.stop();
      await offerTimers.stop();
      await paymentRecovery.stop();
      await complaintDeadlines?.stop();
      await searchTiers.stop();
      await pluginEvents?.stop();
    },
  };
}
