import { ArgsType, Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { PageArgs } from '../../core/connection';
import { ListingCondition } from '../catalog';

export enum SearchSort {
  RELEVANCE = 'RELEVANCE',
  PRICE_ASC = 'PRICE_ASC',
  PRICE_DESC = 'PRICE_DESC',
  NEWEST = 'NEWEST',
  RATING = 'RATING',
  MOST_LIKED = 'MOST_LIKED',
  BEST_SELLING = 'BEST_SELLING',
}
registerEnumType(SearchSort, {
  name: 'SearchSort',
  description: 'RELEVANCE blends text rank with sales, likes, rating and stock (src/modules/search/README.md). Prices are the lowest visible listing price.',
});

@InputType({ description: 'Every condition holds for the product as a whole, as the facets count it.' })
export class SearchFilter {
  @Field(() => ID, { nullable: true, description: 'The category or any of its descendants.' })
  category?: string;

  @Field(() => ID, { nullable: true, description: 'Products this seller has a visible listing of.' })
  seller?: string;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Lowest price at least this, minor units.' })
  priceMin?: number;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Lowest price at most this, minor units.' })
  priceMax?: number;

  @Field(() => ListingCondition, { nullable: true, description: 'Products with a visible listing in this condition.' })
  condition?: ListingCondition;

  @Field(() => Float, { nullable: true, description: 'Average rating at least this (1 to 5).' })
  minRating?: number;

  @Field({ nullable: true })
  inStock?: boolean;
}

@ArgsType()
export class SearchArgs extends PageArgs {
  @Field({ description: 'Words in Spanish or English, at most 200 characters; accents and case never matter, typos are corrected.' })
  query!: string;

  @Field(() => SearchFilter, { nullable: true })
  filter?: SearchFilter;

  @Field(() => SearchSort, { defaultValue: SearchSort.RELEVANCE })
  sort!: SearchSort;

  @Field({
    defaultValue: true,
    description: "Let a signed-in customer's category affinity (with their personalization consent) nudge RELEVANCE; false for the plain order.",
  })
  personalized!: boolean;
}

@ArgsType()
export class SearchSuggestArgs {
  @Field({ description: 'What has been typed so far, at most 100 characters.' })
  prefix!: string;

  @Field(() => Int, { defaultValue: 8, description: 'At most 20.' })
  first!: number;
}

@ArgsType()
export class SearchInsightsArgs {
  @Field(() => Int, { defaultValue: 7, description: 'The last days to sum, 1 to 90 (today included).' })
  days!: number;

  @Field(() => Int, { defaultValue: 20, description: 'Queries per list, 1 to 100.' })
  first!: number;
}
