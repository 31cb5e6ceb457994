import { Field, ObjectType } from 'type-graphql';
import { Payload } from '../../core/payload';
import { Checkout } from './checkout.type';

@ObjectType({ simpleResolvers: true })
export class CheckoutPayload extends Payload {
  @Field(() => Checkout, { nullable: true })
  checkout?: Checkout;

  /** Resolved by CheckoutPayloadResolver: empty when the purchase failed. */
  warnings?: CheckoutWarning[];
}

@ObjectType({ simpleResolvers: true })
export class CheckoutWarning {
  @Field({ description: 'A code of the error catalog, e.g. PROMOTION_LIMIT_REACHED.' })
  code!: string;

  @Field()
  message!: string;
}
