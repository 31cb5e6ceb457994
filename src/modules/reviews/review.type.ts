import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';

export enum ReviewStatus {
  PUBLISHED = 'published',
  HIDDEN = 'hidden',
}
registerEnumType(ReviewStatus, { name: 'ReviewStatus', description: 'HIDDEN: taken down by the operator (shown only to its author and the operator).' });

export enum ReviewSort {
  NEWEST = 'NEWEST',
  MOST_HELPFUL = 'MOST_HELPFUL',
  RATING = 'RATING',
}
registerEnumType(ReviewSort, { name: 'ReviewSort', description: 'RATING: highest first. Ties go newest first.' });

@ObjectType({ simpleResolvers: true, description: "The seller's one public answer to a review." })
export class ReviewReply {
  @Field()
  body!: string;

  @Field()
  repliedAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A version of a review as it read before an edit.' })
export class ReviewEdit {
  reviewId!: string;

  @Field(() => Int)
  rating!: number;

  @Field()
  title!: string;

  @Field()
  body!: string;

  @Field(() => [String])
  photos!: string[];

  @Field({ description: 'When this version was written.' })
  writtenAt!: Date;

  @Field({ description: 'When the next version replaced it.' })
  replacedAt!: Date;
}

@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: 'A verified review: written by the buyer of a delivered order line, of its product and its seller.',
})
export class Review extends Node implements NodeSource {
  __typename!: 'Review';
  uuid!: string;
  customerUuid!: string;
  productUuid!: string;
  sellerUuid!: string;
  reportCount!: number;
  hiddenReason!: string | null;

  @Field(() => Int, { description: '1 to 5 stars.' })
  rating!: number;

  @Field()
  title!: string;

  @Field()
  body!: string;

  @Field(() => [String], { description: 'https URLs of the buyer’s photos.' })
  photos!: string[];

  @Field(() => ReviewStatus)
  status!: ReviewStatus;

  @Field(() => Int, { description: 'Other customers who found it helpful.' })
  helpfulCount!: number;

  @Field(() => Int, { description: 'How many times it was edited (see edits).' })
  editCount!: number;

  @Field(() => ReviewReply, { nullable: true })
  reply!: ReviewReply | null;

  @Field({ description: 'The author as "First L.".' })
  authorName!: string;

  @Field({ description: 'Always true: only buyers of a delivered order line can review.' })
  verifiedPurchase!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class RatingCount {
  @Field(() => Int)
  rating!: number;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Published reviews of a product or seller, kept in each review’s transaction.' })
export class RatingSummary {
  @Field(() => Float, { nullable: true, description: 'Plain mean of the ratings; null without reviews.' })
  average!: number | null;

  @Field(() => Int)
  count!: number;

  @Field(() => [RatingCount], { description: 'Always five entries, 1 to 5 stars.' })
  distribution!: RatingCount[];
}
