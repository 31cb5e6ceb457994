import type { Context } from '../../core/context';
import { badInput } from '../../core/errors';
import { PRODUCT_COLUMNS, categoryJson, toCategory, toProduct, type CategoryRow, type ProductRow } from '../catalog';
import { preparedQuery } from '../../db/prepared-query';
import { queryWords } from './search-query';
import { SearchSuggestionKind, type SearchSuggestion } from './search.type';

const MAX_PREFIX_LENGTH = 100;
const MAX_SUGGESTIONS = 20;

/** A suggestion with its product's columns (null for the other kinds) and its category's row. */
interface SuggestRow extends ProductRow {
  suggestionKind: SearchSuggestionKind;
  suggestionText: string;
  suggestedProductId: string | null;
  suggestedCategory: CategoryRow | null;
}

/**
 * Products suggested for a prefix that many titles share are the best sellers found walking the sales
 * index, at most WALK of them (a common prefix matches one in a hundred or more: a few dozen rows read);
 * for a rarer one, the matching titles from the GIN index, sorted. Which one comes from the vocabulary's
 * title-word counts. Before (the walk alone, unbounded), a prefix matching no title read every product:
 * 590 ms on the large seed, `zapato ple` 885 ms; now either way reads at most ~WALK rows.
 */
const FREQUENT = 1000;
const WALK = 2000;

/**
 * `searchSuggest`: as-you-type completions of the last word (the vocabulary's most frequent words that
 * start with it, after the words before it), categories whose name has words starting with every typed
 * word, and the best-selling searchable products whose title does (from 2 letters on): its words
 * unstemmed (the document's weight B), the last one as a prefix. One statement, every part on an index:
 * the vocabulary's prefix b-tree, the category table (small), the sales index or the title words'.
 */
export async function searchSuggest(ctx: Context, { prefix, first }: { prefix: string; first: number }): Promise<SearchSuggestion[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_SUGGESTIONS) throw badInput(`first must be between 1 and ${MAX_SUGGESTIONS}.`, 'first');
  const words = queryWords(prefix, 'prefix', MAX_PREFIX_LENGTH);
  if (!words.length) return [];
  const each = Math.max(1, Math.ceil(first / 3));
  const productsSql = (frequent: boolean) => `(SELECT 'PRODUCT', NULL, NULL, sp.product_id, sp.sales_count, ${frequent ? 3 : 4},
             row_number() OVER (ORDER BY sp.sales_count${frequent ? '' : ' + 0'} DESC, sp.product_id DESC)
        FROM ${frequent ? `(SELECT * FROM search_product WHERE searchable ORDER BY sales_count DESC, product_id DESC LIMIT ${WALK}) sp` : 'search_product sp'}
       WHERE (SELECT length(word) >= 2 AND titles ${frequent ? '>' : '<='} ${FREQUENT} FROM tq) AND sp.searchable
         AND ts_filter(sp.document, '{b}') @@ (SELECT q FROM tq)
       -- "+ 0": the rare prefix's few matches from the title index (migration 1764230000000), not a walk.
       ORDER BY sp.sales_count${frequent ? '' : ' + 0'} DESC, sp.product_id DESC LIMIT $2)`;
  // One statement with the suggested products' and categories' rows (before: a second round trip for them), run
  // prepared (one constant text: the prefix's words and `each` are its values): PostgreSQL plans it once per
  // connection. The suggestions' statement replayed on the large seed, 60 runs each: 1.30 → 0.70 ms (`zap`) and
  // 1.47 → 0.74 (`camis`) at the median, prepared; its plans are the same either way (the walk or the title
  // index, chosen by a one-time filter on tq). The suggestions keep their order: each part's number and each row's
  // position in its part (row_number over the part's own ORDER BY, one sort for both), not the order a UNION yields.
  const rows = await preparedQuery<SuggestRow>(
    ctx.db,
    `SELECT s.kind AS "suggestionKind", s.text AS "suggestionText", s."productId" AS "suggestedProductId",
            CASE WHEN c.id IS NULL THEN NULL ELSE ${categoryJson('c')} END AS "suggestedCategory", ${PRODUCT_COLUMNS}
       FROM (WITH w AS (
       SELECT array_agg(x.word ORDER BY x.ord) AS words FROM (
         SELECT regexp_replace(search_fold(t.word), '[^[:alnum:]]+', '', 'g') AS word, t.ord
           FROM unnest($1::text[]) WITH ORDINALITY AS t(word, ord)) x WHERE x.word <> ''
     ), last AS (SELECT words[cardinality(words)] AS word, array_to_string(words[1:cardinality(words) - 1], ' ') AS head FROM w),
     tq AS (
       SELECT (SELECT to_tsquery('pg_catalog.simple', string_agg(tw || CASE WHEN o = cardinality(w.words) THEN ':*' ELSE '' END, ' & '))
                 FROM unnest(w.words) WITH ORDINALITY AS u(tw, o)) AS q,
              last.word,
              -- At most how many titles match: the fewest of the earlier words' and the last one's as a
              -- prefix (its words counted up to FREQUENT: each counts one title or more).
              least((SELECT min(coalesce(v.doc_count, 0)) FROM unnest(w.words[1:cardinality(w.words) - 1]) tw
                       LEFT JOIN search_vocabulary v ON v.word = tw),
                    (SELECT coalesce(sum(v.doc_count), 0) FROM (SELECT v.doc_count FROM search_vocabulary v
                       WHERE v.word LIKE last.word || '%' AND v.doc_count > 0 LIMIT ${FREQUENT}) v)) AS titles
         FROM w, last
     )
     (SELECT 'QUERY' AS kind, trim(last.head || ' ' || v.word) AS text, NULL::uuid AS "categoryId", NULL::uuid AS "productId", v.doc_count::float8 AS rank,
             1 AS part, row_number() OVER (ORDER BY v.doc_count DESC, v.word) AS pos
        FROM last, search_vocabulary v
       WHERE v.word LIKE last.word || '%' AND v.doc_count > 0
       ORDER BY v.doc_count DESC, v.word LIMIT $2)
     UNION ALL
     (SELECT 'CATEGORY', c.name, c.id, NULL, 0, 2, row_number() OVER (ORDER BY length(c.path), c.position, c.name)
        FROM category c, w
       WHERE (SELECT bool_and(EXISTS (SELECT 1 FROM search_words(c.name) cw WHERE cw LIKE tw || '%')) FROM unnest(w.words) tw)
       ORDER BY length(c.path), c.position, c.name LIMIT $2)
     UNION ALL
     ${productsSql(true)}
     UNION ALL
     ${productsSql(false)}) s
       LEFT JOIN product p ON p.id = s."productId"
       LEFT JOIN category c ON c.id = s."categoryId"
      ORDER BY s.part, s.pos`,
    [words, each],
  );
  const out: SearchSuggestion[] = [];
  for (const r of rows) {
    // Defensive: search_product's row goes with its product (ON DELETE CASCADE), and both are read in one snapshot.
    if (r.suggestedProductId && !r.id) continue;
    const product = r.suggestedProductId ? toProduct(r) : null;
    const category = r.suggestedCategory ? toCategory(r.suggestedCategory) : null;
    if (category) ctx.loaders.primeCategory(category);
    out.push({ kind: r.suggestionKind, text: product?.title ?? category?.name ?? r.suggestionText, product, category });
  }
  return out.slice(0, first);
}
