import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../db/prepared-query';

/**
 * The most distinct texts prepared per app: each connection keeps every statement it prepared, and a counting
 * statement's text is one per query shape (number of words, an unfinished last word, the filters, facets or not):
 * a bounded but large set. The first shapes seen (the common ones) are prepared, later ones run unnamed.
 */
const MAX_PREPARED = 64;
const preparedByApp = new WeakMap<DataSource, Set<string>>();

/**
 * A search's counting statement (search-facets.ts totalsSql) as a named statement (src/db/prepared-query.ts):
 * PostgreSQL parses and plans it once per connection and, after five custom plans, keeps a generic one when
 * its estimate is no worse. The counts' plan barely depends on the words (one bitmap scan, then groups of a few
 * hundred rows), and planning this statement cost more than the floor's whole planning: replayed on the large
 * seed, 0.4–0.9 ms less per statement for the words of bench:search's mix, the same within noise for `premium`;
 * pg also sends its 4 KB text once per connection. (The page's statement is not prepared: with its generic plan
 * it ran ~3× slower, e.g. `lampara` 7.8 → 22 ms.) Results are the same rows either way.
 */
export function countsQuery<R>(db: DataSource, text: string, values: unknown[]): Promise<R[]> {
  let prepared = preparedByApp.get(db);
  if (!prepared) {
    prepared = new Set();
    preparedByApp.set(db, prepared);
  }
  if (!prepared.has(text)) {
    if (prepared.size >= MAX_PREPARED) return db.query(text, values);
    prepared.add(text);
  }
  return preparedQuery<R>(db, text, values);
}
