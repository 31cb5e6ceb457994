/**
 * TRENDING (issue 12): time-decayed activity, each event worth its weight halved every HALF_LIFE_HOURS:
 *
 *   score(now) = Σ weight_e × 2^(−(now − t_e) / H)
 *
 * Decaying every product's score as time passes would rewrite the whole table. Instead we store
 *
 *   trending_score = log2( Σ weight_e × 2^((t_e − EPOCH) / H) ) = log2(score(now)) + (now − EPOCH) / H
 *
 * which no longer changes with `now`: every product's score decays by the same factor, so ordering by the
 * stored value is ordering by score(now), at any instant, and only an event touches its product's row.
 * Logarithms keep it finite (2^((t − EPOCH)/H) overflows a double after ~200 years at H = 72 h; its log2 never
 * does). Adding an event is a log-sum-exp; removing one (an unlike) subtracts exactly the term it added.
 */
export const HALF_LIFE_HOURS = 72;
export const TRENDING_WEIGHTS = { like: 3, sale: 5, view: 1 } as const;
export const TRENDING_EPOCH = '2026-01-01T00:00:00Z';

/** SQL: log2 of one event's stored term, for a weight and a timestamptz expression. */
export function trendingTermSql(weight: string, at: string): string {
  return `(log(2, (${weight})::numeric)::float8 + extract(epoch FROM (${at}) - timestamptz '${TRENDING_EPOCH}')::float8 / ${HALF_LIFE_HOURS * 3600})`;
}

/**
 * SQL: 2^x for x ≤ 0, as the log-sum-exps below use it. PostgreSQL's power() raises "value out of range:
 * underflow" below 2^-1074, that is for terms ~9 years (1,074 half-lives) apart: from 2^-1000 on, adding it
 * to 1 changes nothing, so the exponent is clamped there.
 */
const smallPowerOf2 = (x: string) => `power(2::float8, greatest(${x}, -1000))`;

/** SQL aggregate: log2(Σ 2^term) over a group, given the group's largest term `top` (terms summed below it, exactly). */
export function logSumSql(term: string, top: string): string {
  return `(${top} + ln(sum(${smallPowerOf2(`${term} - ${top}`)})) / ln(2))`;
}

/** SQL: log2(2^a + 2^b), exact for -Infinity (no activity). */
export function logAddSql(a: string, b: string): string {
  return `(greatest(${a}, ${b}) + ln(1 + ${smallPowerOf2(`least(${a}, ${b}) - greatest(${a}, ${b})`)}) / ln(2))`;
}

/** SQL: log2(2^a − 2^b), −Infinity when nothing measurable remains (rounding of a sum back to zero). */
export function logSubtractSql(a: string, b: string): string {
  return `(CASE WHEN ${b} >= ${a} - 1e-9 THEN '-Infinity'::float8 ELSE ${a} + ln(1 - ${smallPowerOf2(`${b} - ${a}`)}) / ln(2) END)`;
}

/** The TypeScript twin of the score, for tests and documentation: score(now) from the stored value. */
export function decayedScore(stored: number, now: Date): number {
  return 2 ** (stored - (now.getTime() - Date.parse(TRENDING_EPOCH)) / (HALF_LIFE_HOURS * 3_600_000));
}
