import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { GraphQLResponse } from './graphql-client';

export interface WsClient extends Client {
  /** How many sockets were opened and acknowledged, and the close code of each socket that closed. */
  connections: number;
  closeCodes: number[];
}

/**
 * A graphql-ws client that never retries. `lazy` (the default) connects on the first operation and
 * closes after the last; `lazy: false` holds one socket open until `dispose()`.
 */
export function wsClient(url: string, token?: string, { lazy = true } = {}): WsClient {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
    connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    on: {
      connected: () => void result.connections++,
      closed: (event) => void result.closeCodes.push((event as { code: number }).code),
    },
  });
  const result: WsClient = Object.assign(client, { connections: 0, closeCodes: [] as number[] });
  return result;
}

/**
 * One operation over the socket. GraphQL errors (in a result, or the `error` message the server
 * sends for a refused operation) resolve as `errors`; a closed socket rejects with its CloseEvent.
 */
export function wsRequest<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Promise<Omit<GraphQLResponse<T>, 'status'>> {
  return new Promise((resolve, reject) => {
    let result: Omit<GraphQLResponse<T>, 'status'> = {};
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          result = value as typeof result;
        },
        error: (err) => (Array.isArray(err) ? resolve({ errors: err }) : reject(err)),
        complete: () => resolve(result),
      },
    );
  });
}

export interface LiveSubscription<T> {
  /** The data of each event received so far. */
  events: T[];
  /** GraphQL errors the server sent (a refused subscription ends with them). */
  errors: { message: string; extensions?: Record<string, unknown> }[];
  ended: boolean;
  stop(): void;
}

/** Starts a subscription and collects what arrives until `stop()` or the server ends it. */
export function subscribe<T = any>(client: Client, query: string, variables?: Record<string, unknown>): LiveSubscription<T> {
  const live: LiveSubscription<T> = { events: [], errors: [], ended: false, stop: () => undefined };
  live.stop = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) live.errors.push(...(value.errors as LiveSubscription<T>['errors']));
        if (value.data) live.events.push(value.data as T);
      },
      error: (err) => {
        if (Array.isArray(err)) live.errors.push(...err);
        live.ended = true;
      },
      complete: () => {
        live.ended = true;
      },
    },
  );
  return live;
}
