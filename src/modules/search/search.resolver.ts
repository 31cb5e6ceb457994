import { Args, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { searchInsights } from './search-insights';
import { searchSuggest } from './search-suggest';
import { search } from './search.service';
import { SearchArgs, SearchInsightsArgs, SearchSuggestArgs } from './search.inputs';
import { SearchConnection, SearchFacets, SearchInsights, SearchSuggestion } from './search.type';

@Resolver(() => SearchConnection)
export class SearchResolver {
  @Query(() => SearchConnection, {
    description: 'Full-text search of the storefront in Spanish and English: accents and case never matter, typos are corrected, the last word may be unfinished.',
  })
  search(@Ctx() ctx: Context, @Args() args: SearchArgs): Promise<SearchConnection> {
    return search(ctx, args);
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

  @FieldResolver(() => Int, { description: 'Matching products over every page.' })
  totalCount(@Root() connection: SearchConnection): Promise<number> {
    return connection.totals.totalCount();
  }

  @FieldResolver(() => SearchFacets)
  facets(@Root() connection: SearchConnection): Promise<SearchFacets> {
    return connection.totals.facets();
  }
}
