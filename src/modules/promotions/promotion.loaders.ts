import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { categoriesUnderSql } from '../catalog';
import { PROMOTION_COLUMNS, type PromotionRow } from './promotion.rows';

/** A promotion a group might get, with what the loader learnt about its window and code. */
export interface LoadedPromotion {
  /** Of a CATEGORIES promotion, `scopeIds` are what it covers: its categories and every category below them. */
  promotion: PromotionRow;
  started: boolean;
  running: boolean;
  uniqueCode: string | null;
  codeUsed: boolean;
}

/** At most this many promotions of one seller are considered per group (bounded work per request). */
export const MAX_CANDIDATES = 50;

/**
 * A seller's promotions a group might get: automatic live ones, and those its codes name (in any state but
 * archived, to say why not). `codes` are normalised (upper case). `now`: the app's clock (AppServices.now), the one
 * a start is announced by (promotion-start.ts) and an audience read by (promotion-audience.ts), not the database's:
 * a customer offered a promotion that has just started finds it in the cart, whatever the two clocks' skew.
 */
const candidatesSql = (sellers: string, currency: string, codes: string, now: string) => `
  SELECT * FROM (
    SELECT ${PROMOTION_COLUMNS}, CASE WHEN pr.scope = 'CATEGORIES' THEN ARRAY(${categoriesUnderSql('pr.scope_ids')}) END AS "coveredIds",
           pr.starts_at <= ${now} AS started, (pr.ends_at IS NULL OR pr.ends_at > ${now}) AS running,
           uc.code AS "uniqueCode", uc.redeemed_at IS NOT NULL AS "codeUsed",
           row_number() OVER (PARTITION BY pr.seller_id ORDER BY pr.id) AS n
      FROM promotion pr
      LEFT JOIN promotion_code uc ON uc.promotion_id = pr.id AND pr.trigger = 'UNIQUE_CODES' AND uc.code = ANY(${codes})
     WHERE pr.seller_id = ANY(${sellers}) AND pr.currency = ${currency} AND pr.status <> 'archived'
       AND ((pr.trigger = 'AUTOMATIC' AND pr.status = 'active' AND pr.starts_at <= ${now} AND (pr.ends_at IS NULL OR pr.ends_at > ${now}))
            OR (pr.trigger = 'SHARED_CODE' AND upper(pr.code) = ANY(${codes}))
            OR uc.code IS NOT NULL)) x
   WHERE x.n <= ${MAX_CANDIDATES} ORDER BY x.id`;

type Row = PromotionRow & Omit<LoadedPromotion, 'promotion'> & { n: number; coveredIds: string[] | null };

function toLoaded({ started, running, uniqueCode, codeUsed, n: _n, coveredIds, ...promotion }: Row): LoadedPromotion {
  return { promotion: coveredIds ? { ...promotion, scopeIds: coveredIds } : promotion, started, running, uniqueCode, codeUsed };
}

/** The candidates of several sellers' groups in one statement, by seller (`db`: the pool, or a transaction), at `now`. */
export async function candidatesBySeller(
  db: Pick<EntityManager, 'query'>,
  sellerIds: readonly string[],
  currency: string,
  codes: readonly string[],
  now: Date,
): Promise<Map<string, LoadedPromotion[]>> {
  const rows: Row[] = await db.query(candidatesSql('$1::uuid[]', '$2', '$3::text[]', '$4::timestamptz'), [sellerIds, currency, codes, now]);
  const bySeller = new Map<string, LoadedPromotion[]>();
  for (const row of rows) {
    const loaded = toLoaded(row);
    const list = bySeller.get(row.sellerId);
    if (list) list.push(loaded);
    else bySeller.set(row.sellerId, [loaded]);
  }
  return bySeller;
}

/** Key of `promotionCandidates`: one seller group of a cart. */
export interface CandidateKey {
  sellerId: string;
  currency: string;
  codes: readonly string[];
}

/**
 * Per request: the candidates of every seller group of a cart in one statement (the groups are adjusted
 * concurrently, so their loads batch), instead of one per seller.
 */
export function promotionLoaders(db: DataSource, _loaders: unknown, now: () => Date) {
  return {
    promotionCandidates: new DataLoader<CandidateKey, LoadedPromotion[], string>(
      async (keys) => {
        const byQuery = new Map<string, CandidateKey[]>();
        for (const k of keys) {
          const q = `${k.currency}|${k.codes.join(',')}`;
          byQuery.set(q, [...(byQuery.get(q) ?? []), k]);
        }
        const found = new Map<string, LoadedPromotion[]>();
        const at = now();
        for (const group of byQuery.values()) {
          const { currency, codes } = group[0]!;
          const bySeller = await candidatesBySeller(db, group.map((k) => k.sellerId), currency, codes, at);
          for (const k of group) found.set(keyOf(k), bySeller.get(k.sellerId) ?? []);
        }
        return keys.map((k) => found.get(keyOf(k)) ?? []);
      },
      { cacheKeyFn: (k) => keyOf(k) },
    ),
  };
}

const keyOf = (k: CandidateKey) => `${k.sellerId}|${k.currency}|${k.codes.join(',')}`;

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof promotionLoaders> {}
}
