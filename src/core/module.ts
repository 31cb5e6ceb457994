import type { NonEmptyArray } from 'type-graphql';
import type { Context } from '../server/context';
import type { NodeType } from './global-id';
import type { EventType } from '../events/event-types';
import type { EventHandler } from '../events/dispatcher';

/** Fetches one node by its database id for `node(id:)`, applying the same visibility as the module's queries. */
export type NodeFetcher = (ctx: Context, id: string) => Promise<object | null>;

/** A domain module: the same shape plugins will have (ARCHITECTURE.md, "Source layout"). */
export interface ModuleDefinition {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function> | Function[];
  /** Refetchers for the node types this module owns. */
  nodes?: Partial<Record<NodeType, NodeFetcher>>;
  /** Handlers of domain events, called after commit, at least once; '*' gets every event. */
  hooks?: Partial<Record<EventType | '*', EventHandler>>;
}

export function defineModule(definition: ModuleDefinition): ModuleDefinition {
  return definition;
}
