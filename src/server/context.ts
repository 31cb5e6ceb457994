import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer';
import type { TokenIssuer } from '../auth/tokens';
import type { AppConfig } from '../config';
import type { NodeType } from '../core/global-id';
import type { NodeFetcher } from '../core/module';
import type { Dispatcher } from '../events/dispatcher';
import type { PaymentProvider } from '../modules/payments/payment-provider';
import type { AnyPlugin } from '../plugin-host/define-plugin';
import type { InstallationCache } from '../plugin-host/installation-cache';
import { createLoaders, type Loaders } from './loaders';

/** What the whole app shares: built once in createApp. */
export interface AppServices {
  db: DataSource;
  config: AppConfig;
  log: Logger;
  tokens: TokenIssuer;
  /** Refetchers for `node(id:)`, from the modules. */
  nodes: Partial<Record<NodeType, NodeFetcher>>;
  /** Delivers committed outbox events; call `kick()` after a commit that emitted some. */
  events: Dispatcher;
  /** Payment providers by name (`test` is built in). */
  payments: ReadonlyMap<string, PaymentProvider>;
  /** The plugins this deployment offers, by name. */
  plugins: ReadonlyMap<string, AnyPlugin>;
  /** Which sellers installed which plugin (shared by all requests; see installation-cache.ts). */
  installations: InstallationCache;
}

/** Per request (and per subscription event): the first argument of every service method. */
export interface Context extends AppServices {
  viewer: Viewer;
  requestId: string;
  loaders: Loaders;
}

export function createContext(app: AppServices, viewer: Viewer, requestId: string): Context {
  return { ...app, viewer, requestId, log: app.log.child({ reqId: requestId }), loaders: createLoaders(app.db) };
}

/** Runs `fn` in one transaction; its manager is the only one the writes may use. */
export function transaction<T>(ctx: Context, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  return ctx.db.transaction(fn);
}
