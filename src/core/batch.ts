/** Orders `rows` as `keys` for a DataLoader batch: one row (or null) per key. */
export function byKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): (R | null)[] {
  const map = new Map<K, R>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

/**
 * Groups `rows` by key for a DataLoader batch: a list (maybe empty) per key, rows in their order. `into`, when
 * given, is filled with every key's list (empty ones too), for a loader that also keeps them by key.
 */
export function groupByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K, into = new Map<K, R[]>()): R[][] {
  for (const row of rows) {
    const k = keyOf(row);
    const list = into.get(k);
    if (list) list.push(row);
    else into.set(k, [row]);
  }
  return keys.map((k) => {
    const list = into.get(k);
    if (list) return list;
    const none: R[] = [];
    into.set(k, none);
    return none;
  });
}

/**
 * groupByKey for batches that may read a key twice: each key's list is set in `into` once, by the first batch that
 * read it, and a later batch's rows of that key are dropped. Answers every key's list, and the lists this batch set.
 * (The catalog reads ahead without DataLoader's per-key promises, so two reads of one request can overlap:
 * modules/catalog/catalog.loaders.ts.)
 */
export function settleByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K, into: Map<K, R[]>): { lists: R[][]; fresh: R[][] } {
  const read = new Map<K, R[]>();
  for (const row of rows) {
    const k = keyOf(row);
    if (into.has(k)) continue;
    const list = read.get(k);
    if (list) list.push(row);
    else read.set(k, [row]);
  }
  const fresh: R[][] = [];
  const lists = keys.map((k) => {
    const set = into.get(k);
    if (set) return set;
    const list = read.get(k) ?? [];
    into.set(k, list);
    fresh.push(list);
    return list;
  });
  return { lists, fresh };
}
