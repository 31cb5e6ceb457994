import { Field, ObjectType } from 'type-graphql';
import { connectionType } from '../../core/connection';
import { Payload } from '../../core/payload';
import { Product } from '../catalog';
import { Review } from './review.type';

@ObjectType()
export class ReviewConnection extends connectionType('Review', Review) {}

@ObjectType({ simpleResolvers: true })
export class ReviewPayload extends Payload {
  @Field(() => Review, { nullable: true })
  review?: Review;
}

@ObjectType({ simpleResolvers: true })
export class ReviewReportPayload extends Payload {
  @Field({ nullable: true, description: 'False when you had already reported it (a report counts once per reporter).' })
  reported?: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ProductLikePayload extends Payload {
  @Field(() => Product, { nullable: true })
  product?: Product;

  @Field({ nullable: true, description: 'Whether the viewer likes the product now.' })
  liked?: boolean;
}
