import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { forEachSelectedField } from '../../core/selection';
import { selectsNarrowly } from '../catalog';
import { Args, Authorized, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { searchInsights } from './search-insights';
import { searchSuggest } from './search-suggest';
import { search, type SearchSelection } from './search.service';
import { SearchArgs, SearchInsightsArgs, SearchSuggestArgs } from './search.inputs';
import { SearchConnection, SearchFacets, SearchInsights, SearchSuggestion } from './search.type';

@Resolver(() => SearchConnection)
export class SearchResolver {
  @Query(() => SearchConnection, {
    description: 'Full-text search of the storefront in Spanish and English: accents and case never matter, typos are corrected, the last word may be unfinished.',
  })
  search(@Ctx() ctx: Context, @Args() args: SearchArgs, @Info() info: GraphQLResolveInfo): Promise<SearchConnection> {
    return search(ctx, args, selectionOf(info));
  }

  @Query(() => [SearchSuggestion], { description: 'As-you-type completions: words, categories and products.' })
  searchSuggest(@Ctx() ctx: Context, @Args() args: SearchSuggestArgs): Promise<SearchSuggestion[]> {
    return searchSuggest(ctx, args);
  }

  @Authorized('ADMIN')
  @Query(() => SearchInsights, { description: "The operator's view of searches: top and zero-result queries." })
  searchInsights(@Ctx() ctx: Context, @Args() args: SearchInsightsArgs): Promise<SearchInsights> {
    return searchInsights(ctx, args);
  }

  @FieldResolver(() => Int, { description: 'Matching products over every page; a lower bound when totalCountIsExact is false.' })
  totalCount(@Root() connection: SearchConnection): Promise<number> {
    return connection.totals.totalCount();
  }

  @FieldResolver(() => Boolean, {
    description:
      'True when totalCount counts every match. False when more products match than the server counts (1,000 by default, ' +
      'ZOCO_SEARCH_EXACT_LIMIT): totalCount then counts the candidates, a lower bound (show "1,000+"), and RELEVANCE ranks ' +
      'them. The candidates are that many matches of the most popular products when those have more than that many; ' +
      'otherwise the first that many matches the index yields plus popular ones (up to about twice as many). ' +
      'A narrower query or a filter counts exactly again.',
  })
  totalCountIsExact(@Root() connection: SearchConnection): Promise<boolean> {
    return connection.totals.totalCountIsExact();
  }

  @FieldResolver(() => SearchFacets)
  facets(@Root() connection: SearchConnection): Promise<SearchFacets> {
    return connection.totals.facets();
  }
}

/** Per field node of a parsed document (Apollo and graphql-jit keep them): the walk runs once per document. */
const selections = new WeakMap<FieldNode, SearchSelection>();

/**
 * Whether totalCount and facets are selected on the connection (through fragments too): one statement reads them
 * with the page. And whether the products (nodes, edges' node) and the facets' sellers select only fields a narrow
 * row answers (catalog's selectsNarrowly): their statements then leave out the other columns.
 */
function selectionOf(info: GraphQLResolveInfo): SearchSelection {
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0]! : null;
  const known = node && selections.get(node);
  if (known) return known;
  const found: SearchSelection = { totalCount: false, facets: false, narrowProducts: true, narrowSellers: true };
  const products = (set: SelectionSetNode | undefined) => {
    found.narrowProducts &&= selectsNarrowly(info, 'Product', set);
  };
  const sellers = (set: SelectionSetNode | undefined) => {
    found.narrowSellers &&= selectsNarrowly(info, 'Seller', set);
  };
  for (const field of info.fieldNodes) {
    forEachSelectedField(field.selectionSet, info.fragments, (name, set) => {
      if (name === 'totalCount' || name === 'totalCountIsExact') found.totalCount = true;
      else if (name === 'nodes') products(set);
      else if (name === 'edges') forEachSelectedField(set, info.fragments, (inner, innerSet) => inner === 'node' && products(innerSet));
      else if (name === 'facets') {
        found.facets = true;
        forEachSelectedField(set, info.fragments, (inner, innerSet) => {
          if (inner === 'sellers') forEachSelectedField(innerSet, info.fragments, (f, sellerSet) => f === 'seller' && sellers(sellerSet));
        });
      }
    });
  }
  if (node) selections.set(node, found);
  return found;
}
