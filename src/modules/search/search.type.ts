import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../core/connection';
import { Money } from '../../core/money';
import { Category, ListingCondition, Product } from '../catalog';
import { Seller } from '../sellers';

@ObjectType('SearchEdge', { simpleResolvers: true })
export class SearchEdge {
  @Field()
  cursor!: string;

  @Field(() => Product)
  node!: Product;
}

@ObjectType({ simpleResolvers: true, description: 'A category of the result with how many products it and its descendants hold.' })
export class SearchCategoryFacet {
  @Field(() => Category)
  category!: Category;

  @Field(() => Int)
  count!: number;

  @Field(() => [SearchCategoryFacet], { description: 'Subcategories with results, most first.' })
  children!: SearchCategoryFacet[];
}

@ObjectType({ simpleResolvers: true })
export class SearchSellerFacet {
  @Field(() => Seller)
  seller!: Seller;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Products whose lowest price is at least min and below max.' })
export class SearchPriceRangeFacet {
  @Field(() => Money, { nullable: true })
  min!: Money | null;

  @Field(() => Money, { nullable: true, description: 'Exclusive; null for the open top range.' })
  max!: Money | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true })
export class SearchConditionFacet {
  @Field(() => ListingCondition)
  condition!: ListingCondition;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Products rated at least minRating on average.' })
export class SearchRatingFacet {
  @Field(() => Int)
  minRating!: number;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Counts over the whole result (every page), filters applied.' })
export class SearchFacets {
  @Field(() => [SearchCategoryFacet], { description: 'Root categories with results, most first, each with its subtree.' })
  categories!: SearchCategoryFacet[];

  @Field(() => [SearchSellerFacet], { description: 'The 50 sellers with the most results.' })
  sellers!: SearchSellerFacet[];

  @Field(() => [SearchPriceRangeFacet])
  priceRanges!: SearchPriceRangeFacet[];

  @Field(() => [SearchConditionFacet])
  conditions!: SearchConditionFacet[];

  @Field(() => [SearchRatingFacet], { description: 'Cumulative: 4 and up, 3 and up, 2 and up, 1 and up.' })
  ratings!: SearchRatingFacet[];

  @Field(() => Int, { description: 'How many are in stock.' })
  inStock!: number;

  @Field({
    description:
      'True when these counts are over every match. False when the search matched more products than the server counts ' +
      '(1,000 by default, ZOCO_SEARCH_EXACT_LIMIT): the counts are then over the candidates RELEVANCE ranks (that many ' +
      'matches among the most popular products, or the first that many matches plus the popular ones: see ' +
      'SearchConnection.totalCountIsExact), so each is a lower bound (show "120+").',
  })
  countsAreExact!: boolean;
}

/** What the connection's lazy fields compute on demand (once each), over the whole result. */
export interface SearchTotals {
  totalCount(): Promise<number>;
  totalCountIsExact(): Promise<boolean>;
  facets(): Promise<SearchFacets>;
}

@ObjectType({ description: 'Products matching a search, best first by the chosen sort.' })
export class SearchConnection {
  @Field(() => [SearchEdge])
  edges!: SearchEdge[];

  @Field(() => [Product])
  nodes!: Product[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => String, { nullable: true, description: 'The query as searched when a typo was corrected; null when it was searched as given.' })
  correctedQuery!: string | null;

  totals!: SearchTotals;
}

export enum SearchSuggestionKind {
  QUERY = 'QUERY',
  PRODUCT = 'PRODUCT',
  CATEGORY = 'CATEGORY',
}
registerEnumType(SearchSuggestionKind, { name: 'SearchSuggestionKind' });

@ObjectType({ simpleResolvers: true, description: 'A completion of what is being typed: a query, a product or a category.' })
export class SearchSuggestion {
  @Field(() => SearchSuggestionKind)
  kind!: SearchSuggestionKind;

  @Field({ description: 'What to show: the completed words, the product title or the category name.' })
  text!: string;

  @Field(() => Product, { nullable: true })
  product!: Product | null;

  @Field(() => Category, { nullable: true })
  category!: Category | null;
}

@ObjectType({ simpleResolvers: true })
export class SearchQueryStat {
  @Field({ description: 'Normalized: lower case, no accents, words separated by one space.' })
  query!: string;

  @Field(() => Int)
  searches!: number;

  @Field(() => Int)
  zeroResultSearches!: number;
}

@ObjectType({ simpleResolvers: true, description: "What customers searched for, for the operator." })
export class SearchInsights {
  @Field(() => [SearchQueryStat], { description: 'Most searched first.' })
  topQueries!: SearchQueryStat[];

  @Field(() => [SearchQueryStat], { description: 'Queries that found nothing, most searched first.' })
  zeroResultQueries!: SearchQueryStat[];
}
