import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { childOptions, failToParent, serveParent } from './child-process';

export interface OffersClientsOptions {
  wsUrl: string;
}

const OFFERS = 'subscription ($after: String) { offers(after: $after) { cursor offer { id } } }';

interface Subscriber {
  token: string;
  client: Client | null;
  cursor: string;
  /** Arrival time of each offer received, ms since the epoch. */
  arrivals: number[];
  /** Called at each arrival (offerOf waits on it instead of spinning: the spin took a core from the server). */
  onArrival: (() => void) | null;
}

/** The subscribers, in a process of their own: the server's event loop is not shared with them. */
async function main(): Promise<void> {
  const { wsUrl } = childOptions<OffersClientsOptions>();
  let subscribers: Subscriber[] = [];
  let errors = 0;
  /** Close codes of sockets the server closed or that failed, with their counts (4408: connection_init came too late). */
  const closes = new Map<number, number>();

  const connect = (s: Subscriber) =>
    new Promise<boolean>((resolve) => {
      s.client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => void errors++,
        connectionParams: { authorization: `Bearer ${s.token}` },
        on: {
          connected: () => resolve(true),
          closed: (event) => {
            const code = (event as { code?: number }).code ?? 0;
            if (code !== 1000) closes.set(code, (closes.get(code) ?? 0) + 1);
            // Refused or failed before its ack (no retries): counted, and connect() goes on without it.
            resolve(false);
          },
        },
      });
    });
  const subscribe = (s: Subscriber) =>
    s.client!.subscribe<{ offers: { cursor: string } }>(
      { query: OFFERS, variables: { after: s.cursor } },
      {
        next: (value) => {
          if (!value.data) return void errors++;
          s.arrivals.push(Date.now());
          s.cursor = value.data.offers.cursor;
          s.onArrival?.();
        },
        error: () => void errors++,
        complete: () => undefined,
      },
    );
  const inBatches = async (fn: (s: Subscriber) => Promise<unknown>, batch = 500) => {
    for (let i = 0; i < subscribers.length; i += batch) await Promise.all(subscribers.slice(i, i + batch).map(fn));
  };

  serveParent(
    {},
    {
      /** The customers' access tokens (too many for the command line). */
      tokens: (tokens) => {
        subscribers = (tokens as string[]).map((token) => ({ token, client: null, cursor: Buffer.from('offer:0').toString('base64url'), arrivals: [], onArrival: null }));
      },
      /** Opens every socket (authenticated), in batches; returns the seconds it took. */
      connect: async () => {
        const started = Date.now();
        await inBatches(connect);
        return (Date.now() - started) / 1000;
      },
      subscribe: () => void subscribers.forEach(subscribe),
      /** Waits until every subscriber has `count` offers; answers the arrival time of each one's `count`-th. */
      offers: async (arg) => {
        const { count, timeoutMs } = arg as { count: number; timeoutMs: number };
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline && subscribers.some((s) => s.arrivals.length < count)) await new Promise((r) => setTimeout(r, 20));
        return { arrivals: subscribers.map((s) => s.arrivals[count - 1] ?? null), errors, duplicates: subscribers.filter((s) => s.arrivals.length > count).length, closes: Object.fromEntries(closes) };
      },
      /** Waits for subscriber `index`'s `count`-th offer. */
      offerOf: async (arg) => {
        const { index, count } = arg as { index: number; count: number };
        const s = subscribers[index]!;
        if (s.arrivals.length < count) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 10_000);
            s.onArrival = () => {
              if (s.arrivals.length < count) return;
              clearTimeout(timer);
              resolve();
            };
          });
          s.onArrival = null;
        }
        return s.arrivals[count - 1] ?? null;
      },
      /** Drops every socket (the clients keep their cursors). */
      disconnect: async () => {
        await Promise.all(subscribers.map((s) => s.client?.dispose()));
      },
      /** Every subscriber reconnects with its cursor at once; returns when they started. */
      reconnect: () => {
        const started = Date.now();
        for (const s of subscribers) void connect(s).then((connected) => connected && subscribe(s));
        return started;
      },
    },
    async () => {
      await Promise.all(subscribers.map((s) => s.client?.dispose()));
    },
  );
}

main().catch(failToParent);
