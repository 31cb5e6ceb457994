import DataLoader from 'dataloader';

/** Statements of one loader running at once; keys asked meanwhile wait and go together in the next. */
const IN_FLIGHT = 2;

/**
 * A DataLoader (no cache) for a read that many callers ask at once, each with its own key: a batch goes out
 * at the end of the event loop's turn when fewer than IN_FLIGHT of its statements are running, else it keeps
 * gathering keys until one returns. Idle, that adds no wait; under a burst, batches grow with the load
 * instead of the statements. Issue 16's reconnect storm of 10,000 subscribers made 2,747 token checks of
 * 3.6 tokens and 1,261 replays of 8 customers (setImmediate and a 2 ms window); coalesced, a few dozen of each.
 */
export function coalescedLoader<K, V>(batch: (keys: readonly K[]) => Promise<V[]>, maxBatchSize: number): DataLoader<K, V> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return new DataLoader<K, V>(
    async (keys) => {
      running++;
      try {
        return await batch(keys);
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
    { cache: false, maxBatchSize, batchScheduleFn: (dispatch) => setImmediate(() => (running < IN_FLIGHT ? dispatch() : waiting.push(dispatch))) },
  );
}
