import type { Context } from '../../core/context';
import { badInput } from '../../core/errors';
import { preparedQuery } from '../../db/prepared-query';
import { bestCorrection } from './search-typos';

export const MAX_QUERY_LENGTH = 200;
/** Words beyond these are ignored: a query is for finding, not for pasting documents. */
export const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 40;
/** The last word is matched as a prefix (as-you-type) from this length on. */
const MIN_PREFIX_LENGTH = 3;
/** Trigram nearest neighbours read per unknown word before the edit distance decides. */
const CANDIDATES = 20;

export interface AnalyzedQuery {
  /** Folded words (lower case, no accents) as searched, corrections applied; empty: every product. */
  terms: string[];
  /** The folded words as typed: the key of the operator's statistics. */
  normalized: string;
  /** The folded words as searched, when a correction changed one; otherwise null. */
  corrected: string | null;
  /** Whether the last term is an unfinished word, matched as a prefix. */
  prefixLast: boolean;
}

/**
 * Splits on anything but letters and digits (a single Unicode class: no backtracking), bounded in
 * length and count before any database work.
 */
export function queryWords(text: string, field: string, maxLength = MAX_QUERY_LENGTH): string[] {
  if (text.length > maxLength) throw badInput(`${field} must be at most ${maxLength} characters.`, field);
  return (text.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TERMS).map((w) => w.slice(0, MAX_TERM_LENGTH));
}

interface TermRow {
  folded: string;
  /** A word of the vocabulary, itself or by its Spanish or English stem. */
  known: boolean;
  /** The last word, unknown as a word but the start of some: being typed. */
  prefix: boolean;
  candidates: { word: string; docCount: number }[] | null;
}

/**
 * The words' statement (analyzeQuery). Each level is its own subquery (`OFFSET 0`: not pulled up) so that every
 * test is planned once and referenced as a column: pulled up, `known` was copied into `prefix` and `candidates`
 * and the plan held 15 subplans, 1.1–1.5 ms of planning for 0.3–0.6 ms of execution. The EXISTS tests keep an
 * `OFFSET 0` so that PostgreSQL does not turn them into hashed subplans (a generic plan of an unknown number of
 * words would hash the whole vocabulary). Run prepared (one constant text): parsed and planned once per
 * connection. Replayed on the large seed (60 runs, load ~11), backend CPU per run: `premium` 1.33 → 0.33 ms,
 * `auriculres inalambricos` (a correction) 2.67 → 0.67, `zapatil` (a prefix) 1.67 → 0.50; the same rows.
 */
const WORDS_SQL = `SELECT w.folded, w.known, w.prefix,
       CASE WHEN NOT w.known AND NOT w.prefix AND length(w.folded) >= 5 THEN
         (SELECT json_agg(json_build_object('word', c.word, 'docCount', c.doc_count))
            FROM (SELECT v.word, v.doc_count FROM search_vocabulary v WHERE v.doc_count > 0
                   ORDER BY v.word <-> w.folded LIMIT ${CANDIDATES}) c)
       END AS candidates
  FROM (SELECT k.ord, k.folded, k.known,
               NOT k.known AND k.ord = $2 AND length(k.folded) >= ${MIN_PREFIX_LENGTH}
                 AND EXISTS (SELECT 1 FROM search_vocabulary v WHERE v.word LIKE k.folded || '%' AND v.doc_count > 0 OFFSET 0) AS prefix
          FROM (SELECT f.ord, f.folded,
                       EXISTS (SELECT 1 FROM search_vocabulary v WHERE v.word = f.folded AND v.doc_count > 0 OFFSET 0)
                    OR EXISTS (SELECT 1 FROM search_vocabulary v WHERE v.stem_es = (ts_lexize('pg_catalog.spanish_stem', f.folded))[1] AND v.doc_count > 0 OFFSET 0)
                    OR EXISTS (SELECT 1 FROM search_vocabulary v WHERE v.stem_en = (ts_lexize('pg_catalog.english_stem', f.folded))[1] AND v.doc_count > 0 OFFSET 0)
                       AS known
                  FROM (SELECT t.ord, regexp_replace(search_fold(t.word), '[^[:alnum:]]+', '', 'g') AS folded
                          FROM unnest($1::text[]) WITH ORDINALITY AS t(word, ord) OFFSET 0) f
                OFFSET 0) k
        OFFSET 0) w
 ORDER BY w.ord`;

/**
 * Folds each word as the index does (search_fold: unaccent and lower case), tells an unfinished last word
 * (unknown as a word, the start of some) and corrects typos: a word of 5 letters or more that the
 * vocabulary knows neither as a word, nor by its Spanish or English stem, nor as the start of a word (the
 * last one) becomes the closest vocabulary word within its allowed typos (search-typos.ts). One round trip.
 */
export async function analyzeQuery(ctx: Context, text: string): Promise<AnalyzedQuery> {
  const analysis = startAnalysis(ctx, text);
  return 'known' in analysis ? analysis.known : analysis.fresh;
}

/**
 * A query's analysis as soon as it can be had:
 * - `known`: no words, or every word known to the vocabulary (kept per app, below): no round trip;
 * - otherwise `fresh`, the words' statement now under way, and `guess`, what that statement answered the last time
 *   this app analyzed the same words (a prefix being typed, a typo, an unknown word), or null. A guess is only a
 *   guess: a new product may make a word known or change its correction. The caller may start its own statements
 *   with the guess beside `fresh`, and must drop their answers and run them again with `fresh` if the two differ
 *   (`sameAnalysis`): nothing is answered from a guess the vocabulary does not confirm in the same request.
 */
export function startAnalysis(ctx: Context, text: string): { known: AnalyzedQuery } | { guess: AnalyzedQuery | null; fresh: Promise<AnalyzedQuery> } {
  const words = queryWords(text, 'query');
  if (!words.length) return { known: { terms: [], normalized: '', corrected: null, prefixLast: false } };
  const { known, guesses } = queriesOf(ctx);
  const key = words.join(' ');
  const cached = known.get(key);
  if (cached) return { known: cached };
  const fresh = readWords(ctx, words).then(({ analyzed, allKnown }) => {
    if (allKnown) {
      remember(known, key, analyzed);
      guesses.delete(key);
    } else remember(guesses, key, analyzed);
    return analyzed;
  });
  return { guess: guesses.get(key) ?? null, fresh };
}

async function readWords(ctx: Context, words: string[]): Promise<{ analyzed: AnalyzedQuery; allKnown: boolean }> {
  const rows = await preparedQuery<TermRow>(ctx.db, WORDS_SQL, [words, words.length]);
  const kept = rows.filter((r) => r.folded.length > 0);
  const terms = kept.map((r) => (r.known || r.prefix || !r.candidates ? r.folded : (bestCorrection(r.folded, r.candidates) ?? r.folded)));
  const normalized = kept.map((r) => r.folded).join(' ');
  const searched = terms.join(' ');
  const analyzed = { terms, normalized, corrected: searched !== normalized ? searched : null, prefixLast: kept.at(-1)?.prefix ?? false };
  return { analyzed, allKnown: kept.every((r) => r.known) && kept.length > 0 };
}

/** Whether two analyses search alike: the same terms, prefix, correction and normalized words. */
export function sameAnalysis(a: AnalyzedQuery, b: AnalyzedQuery): boolean {
  return (
    a.normalized === b.normalized &&
    a.corrected === b.corrected &&
    a.prefixLast === b.prefixLast &&
    a.terms.length === b.terms.length &&
    a.terms.every((term, i) => term === b.terms[i])
  );
}

/**
 * Per app (its DataSource), by the words as typed. `known`: queries whose every word the vocabulary knew:
 * repeated searches (most are) skip the vocabulary round trip. Only such answers are kept as answers — a known
 * word stays right to search for even if its last product goes — never corrections or unknown words, which a
 * new product may change. `guesses`: the last analysis of the other queries, only ever a guess that the words'
 * statement checks in the same request (startAnalysis).
 */
const MAX_KNOWN_QUERIES = 10_000;
const queriesByApp = new WeakMap<object, { known: Map<string, AnalyzedQuery>; guesses: Map<string, AnalyzedQuery> }>();

function queriesOf(ctx: Context): { known: Map<string, AnalyzedQuery>; guesses: Map<string, AnalyzedQuery> } {
  let caches = queriesByApp.get(ctx.db);
  if (!caches) {
    caches = { known: new Map(), guesses: new Map() };
    queriesByApp.set(ctx.db, caches);
  }
  return caches;
}

function remember(cache: Map<string, AnalyzedQuery>, key: string, analyzed: AnalyzedQuery): void {
  // Oldest first out: a Map iterates in insertion order.
  cache.delete(key);
  if (cache.size >= MAX_KNOWN_QUERIES) cache.delete(cache.keys().next().value!);
  cache.set(key, analyzed);
}

/**
 * An estimate of how many products the analyzed terms match, as SQL (or null: none to give), from the vocabulary's
 * counts (search_vocabulary.doc_count: products whose active title has the word): per complete term the most
 * products of one vocabulary word it matches by its Spanish or English stem, and of several terms the
 * least of theirs. Only an estimate (a description's words are not counted; two words may rarely meet): it only
 * chooses where the tier walk starts (search.rows.ts candidatesSql `estimate`), never what is exact. An unfinished
 * last word gives none (its prefix may be the start of many words). `placeholderOf`: the parameter tsquerySql
 * gave the term (a parameter of its own would go unused, and untyped, in the statements that leave the tier walk out).
 */
export function matchEstimateSql(query: AnalyzedQuery, placeholderOf: (term: string) => string): string | null {
  const complete = query.prefixLast ? query.terms.slice(0, -1) : query.terms;
  if (!complete.length) return null;
  const perTerm = complete.map((term) => {
    const t = placeholderOf(term);
    // Unknown to the vocabulary (null): counted as frequent, so that it never skips a tier.
    // By its stems only, each lookup on its own b-tree (a word has its own stems): with the word's own equality
    // PostgreSQL read the trigram index (~0.5 ms per statement for two words at 1M). A stop word has no stem: none.
    return `coalesce(greatest((SELECT max(v.doc_count) FROM search_vocabulary v WHERE v.stem_es = (ts_lexize('pg_catalog.spanish_stem', ${t}))[1]),
                              (SELECT max(v.doc_count) FROM search_vocabulary v WHERE v.stem_en = (ts_lexize('pg_catalog.english_stem', ${t}))[1])), 2147483647)`;
  });
  return perTerm.length === 1 ? perTerm[0]! : `least(${perTerm.join(', ')})`;
}

/**
 * The tsquery of analyzed terms as SQL, its values pushed through `param`: each word matches its Spanish
 * stem, its English stem or itself unstemmed (a stop word in one language still counts in the other); an
 * unfinished last word matches the start of unstemmed title words. All terms must match. Null for none.
 * (Only an unfinished word is a prefix: a prefix of every last word would make PostgreSQL estimate and
 * scan far more rows, as bench:search showed, for words that are complete anyway.)
 */
export function tsquerySql(query: AnalyzedQuery, param: (value: unknown) => string): string | null {
  if (!query.terms.length) return null;
  return query.terms
    .map((term, i) => {
      if (query.prefixLast && i === query.terms.length - 1) return `to_tsquery('pg_catalog.simple', ${param(`${term}:*`)})`;
      const t = param(term);
      return `(to_tsquery('pg_catalog.spanish', ${t}) || to_tsquery('pg_catalog.english', ${t}) || to_tsquery('pg_catalog.simple', ${t}))`;
    })
    .join(' && ');
}
