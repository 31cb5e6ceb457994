import { Field, ObjectType } from 'type-graphql';
import { Payload } from '../../core/payload';
import { Checkout } from './checkout.type';

@ObjectType({ simpleResolvers: true })
export class CheckoutPayload extends Payload {
  @Field(() => Checkout, { nullable: true })
  checkout?: Checkout;
}
