import { Field, ObjectType } from 'type-graphql';
import { connectionType } from '../../core/connection';
import { Payload } from '../../core/payload';
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
