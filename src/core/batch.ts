/** Orders `rows` as `keys` for a DataLoader batch: one row (or null) per key. */
export function byKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): (R | null)[] {
  const map = new Map<K, R>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

/** Appends `value` to `key`'s list in `map` (made on first use): grouping without copying a list per row. */
export function addToList<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Groups `rows` by key for a DataLoader batch: a list (maybe empty) per key, rows in their order. */
export function groupByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const map = new Map<K, R[]>();
  for (const row of rows) addToList(map, keyOf(row), row);
  return keys.map((k) => map.get(k) ?? []);
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
