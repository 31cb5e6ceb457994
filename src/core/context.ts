import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer';
import type { TokenIssuer } from '../auth/tokens';
import type { AppConfig } from '../config';
import type { Dispatcher } from '../events/dispatcher';
import type { EventPayloads, EventType } from '../events/event-types';
import type { NodeType } from './global-id';
import type { TopicRouter } from '../pubsub/topic-router';
import type { Telemetry } from './telemetry';
import { DEFAULT_LOCALE, supportedLocale, type Locale } from './locale';

/**
 * Per-request DataLoaders. Each module adds its own by augmenting this interface next to its loader
 * factory (`declare module '../../core/context' { interface Loaders extends ReturnType<typeof cartLoaders> {} }`)
 * and contributing the factory through its definition: this file knows no module.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface Loaders {}

/** Fetches one node by its database id for `node(id:)`, applying the same visibility as the module's queries. */
export type NodeFetcher = (ctx: Context, id: string) => Promise<object | null>;

/**
 * Reacts to a domain event inside the transaction that emits it, to keep data the listener owns
 * consistent with the change (catalog prices when a seller is suspended). Work that may fail or wait
 * belongs in an after-commit hook instead.
 */
export type TransactionListener<T extends EventType = EventType> = ((ctx: TxContext, payload: EventPayloads[T]) => Promise<void>) & {
  /**
   * Optional: what the listener does for each, done for all the events of its type that one emitAll records
   * (a checkout's orders), in one call at the first of them: one statement for the purchase, not one per
   * seller (issue 14). Without it, the listener is called event by event.
   */
  many?: (ctx: TxContext, payloads: readonly EventPayloads[T][]) => Promise<void>;
};
export type TransactionListeners = { readonly [T in EventType]?: readonly TransactionListener<T>[] };

/**
 * A module's (or plugin's) part in a customer's GDPR rights over the data it owns. The customers module
 * runs the requests (who may ask, the confirmation, the customer row) and calls every hook.
 */
export interface PrivacyHook {
  /** What it holds about the customer, JSON-able, for their export under its name (GDPR art. 15 and 20). */
  export?(ctx: Context, customerId: string): Promise<unknown>;
  /** Deletes or pseudonymises what it holds about the customer, in the erasure's transaction (GDPR art. 17). */
  erase?(ctx: TxContext, customerId: string): Promise<void>;
}

/** A privacy hook and whose it is. */
export interface PrivacyParticipant extends PrivacyHook {
  /** The module's or plugin's name: the key of its part of the export. */
  name: string;
  /** A plugin's part goes under `plugins` in the export, so no plugin name can shadow a module's. */
  plugin: boolean;
}

/**
 * What the whole app shares: built once in createApp. Subsystems above the core (payments, the plugin
 * host) add their own members by declaration merging, as modules do with Loaders.
 */
export interface AppServices {
  /** Counters for the operator's metrics (core/telemetry.ts). */
  telemetry: Telemetry;
  db: DataSource;
  config: AppConfig;
  log: Logger;
  tokens: TokenIssuer;
  /** Refetchers for `node(id:)`, from the modules. */
  nodes: Partial<Record<NodeType, NodeFetcher>>;
  /** Delivers committed outbox events; withTransaction wakes it after a commit that emitted some. */
  events: Dispatcher;
  /** In-transaction listeners of domain events, from the modules. */
  listeners: TransactionListeners;
  /** Every module's and plugin's privacy hook, modules first in registry order. */
  privacy: readonly PrivacyParticipant[];
  /** Fresh per-request loaders of every module (made on first use). */
  createLoaders(db: DataSource): Loaders;
  /** Per-recipient pubsub topics (`offers:<customerId>`): subscriptions whose events have few recipients listen here. */
  topics: TopicRouter;
  /** The current time: injectable, so deadlines (offer expiry, idle carts) are tested with a controlled clock. */
  now(): Date;
  /** The language a customer chose in their profile (the customers module answers; the runtime wires it). */
  profileLocale?(ctx: Context, customerId: string): Promise<string | null>;
}

/** Per request (and per subscription event): the first argument of every service method. */
export interface Context extends AppServices {
  viewer: Viewer;
  requestId: string;
  /** The client's network address, when a transport knows it: the key of per-address throttling. */
  clientAddress?: string;
  loaders: Loaders;
  /** Set inside withTransaction: the one manager the transaction's writes go through. */
  tx?: EntityManager;
  /** The request's Accept-Language, negotiated (core/locale.ts); null: none supported or none sent. */
  requestLocale: Locale | null;
  /** The language to answer in: a customer's profile, else the request's, else English. Looked up once per request. */
  locale(): Promise<Locale>;
}

/** What withTransaction adds to a ctx: the transaction's manager and its count of recorded events. */
export interface InTransaction {
  tx: EntityManager;
  /** How many events this transaction recorded: withTransaction wakes the dispatcher after commit when > 0. */
  emitted: { count: number };
  /** Set inside batchEvents (events/outbox.ts): events recorded here wait there and are written in one statement. */
  held?: { type: string; payload: object }[];
}

/** A Context inside withTransaction: writes and `emit` go to `tx`. */
export type TxContext = Context & InTransaction;

export function createContext(app: AppServices, viewer: Viewer, requestId: string, clientAddress?: string, requestLocale: Locale | null = null): Context {
  let locale: Promise<Locale> | undefined;
  const log = app.log.child({ reqId: requestId });
  const loaders = app.createLoaders(app.db);
  const localeOf = () => {
    locale ??= (async () => {
      const profile = viewer.kind === 'customer' && app.profileLocale ? await app.profileLocale(ctx, viewer.customerId) : null;
      return supportedLocale(profile) ?? requestLocale ?? DEFAULT_LOCALE;
    })();
    return locale;
  };
  // The same object as `{ ...app, viewer, requestId, …, log }`, built in the other order: V8 copies
  // the services' hidden class for a spread and then makes a new one for each member added after it,
  // which cost about 10 µs per request with the app's twenty-odd services (the largest item of a
  // trivial operation's CPU); members first and the services spread after them reuse cached hidden
  // classes (~0.3 µs). The request's members are set again after the spread, so that they win over a
  // service of the same name (`log`; any member, were a Context passed as `app`), as after the spread.
  const ctx: Context = { viewer, requestId, clientAddress, loaders, requestLocale, locale: localeOf, ...app };
  ctx.viewer = viewer;
  ctx.requestId = requestId;
  ctx.clientAddress = clientAddress;
  ctx.log = log;
  ctx.loaders = loaders;
  ctx.requestLocale = requestLocale;
  ctx.locale = localeOf;
  return ctx;
}
