import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * `/metrics` of the whole `zoco serve --workers N` cluster, through prom-client's cluster aggregation
 * (`AggregatorRegistry`): the child that takes a scrape asks the primary, the primary asks every child
 * (the HTTP ones and the `zoco worker`) for its registry over the cluster's IPC channel and sums them
 * (counters, histograms, pool and socket gauges) or applies prom-client's own rule (event loop lag:
 * average; start time: omitted). Without it a scrape saw one child in N, and never the worker's
 * plugin deliveries.
 */

const ASK = 'zoco:cluster-metrics';
const ANSWER = 'zoco:cluster-metrics:answer';
/** prom-client's primary gives up on a silent child after 5 s; this leaves it the time to say so. */
const ANSWER_TIMEOUT_MS = 6_000;

interface Ask {
  type: typeof ASK;
  id: number;
}
interface Answer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

/** In the primary: answers each child's ASK with every child's metrics, aggregated. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Ask) => {
    if (message?.type !== ASK) return;
    const answer = (reply: Omit<Answer, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id: message.id, ...reply } satisfies Answer);
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (err: Error) => answer({ error: err.message }),
    );
  });
}

/**
 * In a cluster child: offers `registry` to the primary's aggregation and returns how to read the whole
 * cluster's exposition text. Outside a cluster (a single `zoco serve`, tests): null.
 */
export function joinClusterMetrics(registry: Registry): (() => Promise<string>) | null {
  if (!cluster.isWorker || !process.send) return null;
  new AggregatorRegistry(); // installs prom-client's listener that answers the primary's requests
  AggregatorRegistry.setRegistries([registry]);
  const waiting = new Map<number, { resolve(text: string): void; reject(err: Error): void }>();
  let next = 0;
  process.on('message', (message: Answer) => {
    if (message?.type !== ANSWER) return;
    const waiter = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`the cluster's metrics: ${message.error}`));
    else waiter?.resolve(message.text ?? '');
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the cluster's metrics: no answer from the primary in ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          fn(value);
        };
      waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      process.send!({ type: ASK, id } satisfies Ask);
    });
}
