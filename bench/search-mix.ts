/**
 * The query mix: what each kind is, the words, and a filter. Spanish and English, as the seed is. `prefix`:
 * the last word is unfinished (the search matches it as a prefix, and so does the floor). `corrected`: the
 * words the search must correct the query to (checked before the run: the kind measures a correction; the
 * baselines take these words, the rows the search matches).
 */
export const MIX: { kind: string; query: string; filter?: object; prefix?: boolean; corrected?: string }[] = [
  { kind: 'frequent word', query: 'premium' },
  { kind: 'rare word', query: 'cortavientos' },
  { kind: 'two words', query: 'camiseta algodon' },
  { kind: 'English words', query: 'running shoes' },
  // One letter missing: no stem or prefix of the vocabulary's knows `auriculres`, so the trigram neighbours and
  // the edit distance correct it, a round trip every time (corrections are not cached). (`auriculars`, the
  // kind's word before, is known by its English stem `auricular` on this seed: it measured no correction.)
  { kind: 'typo', query: 'auriculres inalambricos', corrected: 'auriculares inalambricos' },
  { kind: 'accent-less', query: 'lampara' },
  { kind: 'prefix', query: 'zapatil', prefix: true },
  { kind: 'filters', query: 'premium', filter: { inStock: true, priceMax: 5000, condition: 'NEW' } },
];

export const TOP = `query ($q: String!, $filter: SearchFilter) { search(query: $q, first: 20, filter: $filter) {
  correctedQuery nodes { id title priceRange { min { amount } } } } }`;
export const FACETED = `query ($q: String!, $filter: SearchFilter) { search(query: $q, first: 20, filter: $filter) {
  totalCount correctedQuery nodes { id title priceRange { min { amount } } }
  facets { categories { category { id name } count children { category { id name } count } }
    sellers { seller { id name } count } priceRanges { min { amount } max { amount } count }
    conditions { condition count } ratings { minRating count } inStock } } }`;

/** As-you-type prefixes for `searchSuggest` (target p99 < 10 ms). */
export const PREFIXES = ['zap', 'camis', 'auric', 'lám', 'run', 'prem', 'chaq', 'cafet'];
export const SUGGEST = `query ($p: String!) { searchSuggest(prefix: $p, first: 8) { kind text product { id } category { id } } }`;


/**
 * The floor's statement for `terms` words ($1…$n): the rows the search matches (search-query.ts tsquerySql: each
 * word by its Spanish stem, its English stem or itself; an unfinished last word as a prefix), ranked by text
 * alone: no folding, typos, popularity, filters or facets. (Spanish stems alone, as before, matched nothing for
 * English words.) Run unnamed, as a plain pool.query.
 */
export function floorSql(terms: number, prefix: boolean): string {
  const q = Array.from({ length: terms }, (_, k) =>
    prefix && k === terms - 1
      ? `to_tsquery('pg_catalog.simple', $${k + 1} || ':*')`
      : `(to_tsquery('pg_catalog.spanish', $${k + 1}) || to_tsquery('pg_catalog.english', $${k + 1}) || to_tsquery('pg_catalog.simple', $${k + 1}))`,
  ).join(' && ');
  return `SELECT sp.product_id, ts_rank(sp.document, q, 1) AS rank FROM search_product sp, (SELECT ${q} AS q) t
              WHERE sp.searchable AND sp.document @@ q ORDER BY rank DESC LIMIT 20`;
}
