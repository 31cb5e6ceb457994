import type { TestApp } from '../../helpers/test-app';

/** What search's tests walk and count by brute force (search-facets.test.ts, search-bounded.test.ts). */
/** The lowest-price bounds of the price facet (search-facets.ts), in minor units. */
export const BOUNDS = [1000, 2500, 5000, 10000, 20000, 50000];

export interface Node {
  id: string;
  title: string;
  createdAt: string;
  inStock: boolean;
  priceRange: { min: { amount: number } } | null;
  category: { id: string; parent: { id: string; parent: { id: string } | null } | null } | null;
  listings: { condition: string; seller: { id: string } }[];
}

export const WALK = `query ($query: String!, $first: Int!, $after: String, $sort: SearchSort!, $filter: SearchFilter) {
  search(query: $query, first: $first, after: $after, sort: $sort, filter: $filter) {
    totalCount
    nodes { id title createdAt inStock priceRange { min { amount } }
      category { id parent { id parent { id } } } listings { condition seller { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export async function walk(t: TestApp, query: string, sort = 'RELEVANCE', filter?: object, first = 40): Promise<{ nodes: Node[]; totalCounts: number[] }> {
  const nodes: Node[] = [];
  const totalCounts: number[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await t.data(WALK, { query, first, after, sort, filter });
    nodes.push(...data.search.nodes);
    totalCounts.push(data.search.totalCount);
    if (!data.search.pageInfo.hasNextPage) return { nodes, totalCounts };
    after = data.search.pageInfo.endCursor;
  }
}

export const FACETS = `query ($query: String!, $filter: SearchFilter) {
  search(query: $query, first: 1, filter: $filter) {
    totalCount
    totalCountIsExact
    facets {
      countsAreExact
      categories { category { id } count children { category { id } count children { category { id } count } } }
      sellers { seller { id } count }
      priceRanges { min { amount } max { amount } count }
      conditions { condition count }
      ratings { minRating count }
      inStock
    }
  }
}`;

type Counts = Record<string, number>;
const tally = (keys: string[]): Counts => {
  const counts: Counts = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
};

export function flattenCategories(list: any[], out: Counts = {}): Counts {
  for (const c of list) {
    out[c.category.id] = c.count;
    flattenCategories(c.children, out);
  }
  return out;
}

/** What the facets must say, counted here from the products the API returned. */
export function bruteForce(nodes: Node[]) {
  const categoryIds = (n: Node) => {
    const ids: string[] = [];
    for (let c: any = n.category; c; c = c.parent) ids.push(c.id);
    return ids;
  };
  const priceRange = (amount: number) => {
    const i = BOUNDS.filter((b) => b <= amount).length;
    return { min: i === 0 ? null : { amount: BOUNDS[i - 1] }, max: i === BOUNDS.length ? null : { amount: BOUNDS[i] } };
  };
  const prices = nodes.filter((n) => n.priceRange).map((n) => JSON.stringify(priceRange(n.priceRange!.min.amount)));
  return {
    categories: tally(nodes.flatMap(categoryIds)),
    sellers: tally(nodes.flatMap((n) => [...new Set(n.listings.map((l) => l.seller.id))])),
    conditions: tally(nodes.flatMap((n) => [...new Set(n.listings.map((l) => l.condition))])),
    priceRanges: Object.entries(tally(prices))
      .map(([range, count]) => ({ ...JSON.parse(range), count }))
      .sort((a, b) => (a.min?.amount ?? -1) - (b.min?.amount ?? -1)),
    inStock: nodes.filter((n) => n.inStock).length,
  };
}

