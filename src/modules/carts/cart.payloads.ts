import { Field, ObjectType } from 'type-graphql';
import { Payload } from '../../core/payload';
import { Cart, CartWarning } from './cart.type';

@ObjectType({ simpleResolvers: true })
export class CartPayload extends Payload {
  @Field(() => Cart, { nullable: true })
  cart?: Cart;

  /** Resolved from the cart by CartPayloadResolver: the same warnings as `cart.warnings`. */
  @Field(() => [CartWarning], { description: 'Non-blocking notices about the cart after the change; the same as `cart.warnings`.' })
  warnings!: CartWarning[];
}
