import type { NonEmptyArray } from 'type-graphql';
import type { Adjuster } from './adjustments';
import type { AppServices, NodeFetcher, PrivacyHook, TransactionListener } from './context';
import type { NodeType } from './global-id';
import type { LoaderFactory } from './loaders';
import type { DomainEvent, EventPayloads, EventType } from '../events/event-types';

export type { NodeFetcher };

/** A module's after-commit handler: the event, and the app's services to act with (it builds its own ctx). */
export type ModuleHook = (event: DomainEvent, app: AppServices) => Promise<void>;

/**
 * A module's after-commit handler of many events at once (events/dispatcher.ts, BatchEventHandler): every
 * event of its types claimed in one dispatch round, in outbox id order, for one transaction and set-based SQL
 * instead of one per event. The same object under several types gets their events in one call. Idempotent per
 * event id: a failed batch is delivered again event by event.
 */
export interface ModuleBatchHook {
  batch(events: DomainEvent[], app: AppServices): Promise<void>;
}

/** A domain module: the same shape plugins have (ARCHITECTURE.md, "Source layout"). */
export interface ModuleDefinition {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function> | Function[];
  /** Refetchers for the node types this module owns. */
  nodes?: Partial<Record<NodeType, NodeFetcher>>;
  /** The module's per-request DataLoaders (their type joins `Loaders` by declaration merging). */
  loaders?: LoaderFactory;
  /** Handlers of domain events, called after commit, at least once; '*' gets every event (one at a time). */
  hooks?: Partial<Record<EventType, ModuleHook | ModuleBatchHook>> & { '*'?: ModuleHook };
  /** Listeners of domain events that run inside the emitting transaction (see TransactionListener). */
  listeners?: { [T in EventType]?: TransactionListener<T> };
  /**
   * Per-recipient pubsub topics an event goes to after commit (pubsub/topic-router.ts), instead of the
   * shared topic named after its type: `order.paid` → its customer's and its seller's. A `{ topic, payload }`
   * publishes that payload alone on its topic: one recipient's part of a batched event (`offers.created` →
   * each offer on `offers:<customerId>`).
   */
  topics?: { [T in EventType]?: (payload: EventPayloads[T]) => (string | TopicPart)[] };
  /** Discounts and surcharges it puts on carts and checkouts (core/adjustments.ts), run in registry order. */
  adjusters?: Adjuster[];
  /** Export and erasure of what its tables hold about one customer (GDPR). */
  privacy?: PrivacyHook;
}

/** One recipient's part of a batched event, and the topic it goes to. */
export interface TopicPart {
  topic: string;
  payload: object;
}

export function defineModule(definition: ModuleDefinition): ModuleDefinition {
  return definition;
}
