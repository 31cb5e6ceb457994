import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
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
      'True when totalCount counts every match. False when more products match than the server counts (10,000 by default, ' +
      'ZOCO_SEARCH_EXACT_LIMIT): totalCount is then that limit, a lower bound (show "10,000+"), and RELEVANCE ranks that many ' +
      'of the matches, the first the index yields; a narrower query or a filter counts exactly again.',
  })
  totalCountIsExact(@Root() connection: SearchConnection): Promise<boolean> {
    return connection.totals.totalCountIsExact();
  }

  @FieldResolver(() => SearchFacets)
  facets(@Root() connection: SearchConnection): Promise<SearchFacets> {
    return connection.totals.facets();
  }
}

/** Whether totalCount and facets are selected on the connection (through fragments too): one statement reads them with the page. */
function selectionOf(info: GraphQLResolveInfo): SearchSelection {
  const found = { totalCount: false, facets: false };
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD && (s.name.value === 'totalCount' || s.name.value === 'facets')) found[s.name.value] = true;
      else if (s.kind === Kind.FIELD && s.name.value === 'totalCountIsExact') found.totalCount = true;
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
        seen.add(s.name.value);
        walk(info.fragments[s.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return found;
}
