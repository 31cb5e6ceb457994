import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../db/prepared-query';

/**
 * The most distinct texts prepared per app: each connection keeps every statement it prepared, and a statement's
 * text is one per query shape (number of words, an unfinished last word, the filters, facets or not, a cursor, a
 * personalized order): a bounded but large set. The first shapes seen (the common ones) are prepared, later ones
 * run unnamed.
 */
const MAX_PREPARED = 128;
const preparedByApp = new WeakMap<DataSource, Set<string>>();

/**
 * A search's counting statement (search-facets.ts totalsSql), RELEVANCE page, or the two in one (search-page.rows.ts) as a named statement
 * (src/db/prepared-query.ts): PostgreSQL parses and plans it once per connection and, after five custom plans,
 * keeps a generic one when its estimate is no worse. Their plans barely depend on the words: the matches' bitmap
 * scan in a CTE planned on its own, then groups of a few hundred rows (counts) or a top-N and 21 index lookups (page).
 * The tsquery is computed once per execution wherever rows use it (search.rows.ts: an InitPlan; a generic plan
 * does not fold `to_tsquery($1)` and called it per row). Replayed on the large seed, medians per statement for the
 * bench mix's words: counts 0.4–1.4 ms less (`premium` 16.2 → 15.0), page 0.3–0.7 ms less (planning; pg also sends
 * the 2–4 KB texts once per connection). Explicit sorts' pages stay unnamed: a generic LIMIT could walk a sort
 * key's index testing every row, a plan only a word's own estimate rules out. The rows are the same either way.
 */
export function searchQuery<R>(db: DataSource, text: string, values: unknown[]): Promise<R[]> {
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
