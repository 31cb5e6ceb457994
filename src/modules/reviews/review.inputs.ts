import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../core/connection';
import { ReviewSort } from './review.type';

export const MAX_TITLE = 120;
export const MAX_BODY = 5_000;
export const MAX_PHOTOS = 10;
export const MAX_PHOTO_URL = 500;
export const MAX_REPLY = 2_000;
export const MAX_REASON = 500;

@InputType()
export class ReviewCreateInput {
  @Field(() => ID, { description: 'The delivered order line (of one of your orders) the review is about.' })
  orderLineId!: string;

  @Field(() => Int, { description: '1 to 5 stars.' })
  rating!: number;

  @Field({ description: `At most ${MAX_TITLE} characters.` })
  title!: string;

  @Field({ description: `At most ${MAX_BODY} characters.` })
  body!: string;

  @Field(() => [String], { nullable: true, description: `At most ${MAX_PHOTOS} https URLs of ${MAX_PHOTO_URL} characters.` })
  photos?: string[];
}

@InputType({ description: 'The fields to change; the previous version is kept in Review.edits.' })
export class ReviewUpdateInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { nullable: true })
  rating?: number;

  @Field({ nullable: true })
  title?: string;

  @Field({ nullable: true })
  body?: string;

  @Field(() => [String], { nullable: true })
  photos?: string[];
}

@InputType()
export class ReviewReplyInput {
  @Field(() => ID)
  id!: string;

  @Field({ description: `At most ${MAX_REPLY} characters.` })
  body!: string;
}

@InputType()
export class ReviewIdInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class ReviewReportInput {
  @Field(() => ID)
  id!: string;

  @Field({ description: `What is wrong with it, at most ${MAX_REASON} characters.` })
  reason!: string;
}

@InputType()
export class ReviewHideInput {
  @Field(() => ID)
  id!: string;

  @Field({ description: `Why it is taken down (shown to its author), at most ${MAX_REASON} characters.` })
  reason!: string;
}

@ArgsType()
export class ReviewsArgs extends PageArgs {
  @Field(() => ReviewSort, { defaultValue: ReviewSort.NEWEST })
  sort!: ReviewSort;
}
