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
