import { Field, ID, InputType, Int } from 'type-graphql';
import { MailingAddressInput } from '../../core/address';

@InputType()
export class CheckoutCompleteInput {
  @Field(() => ID)
  cartId!: string;

  @Field(() => MailingAddressInput, { nullable: true, description: "Or addressId, or the cart's buyer identity address." })
  shippingAddress?: MailingAddressInput;

  @Field(() => ID, { nullable: true, description: 'One of your saved addresses.' })
  addressId?: string;

  @Field(() => ID, { nullable: true, description: 'One of your saved payment methods; or paymentToken.' })
  paymentMethodId?: string;

  @Field({ nullable: true, description: "A payment provider's card token, for a card not saved." })
  paymentToken?: string;

  @Field({ defaultValue: 'test', description: 'The provider of paymentToken.' })
  paymentProvider!: string;

  @Field({ description: 'Unique per purchase attempt: a retry with the same key returns the first result.' })
  idempotencyKey!: string;
}

@InputType()
export class BuyNowInput {
  @Field(() => ID)
  listingId!: string;

  @Field(() => Int, { defaultValue: 1 })
  quantity!: number;

  @Field({ description: 'Unique per purchase attempt: a retry with the same key returns the first result.' })
  idempotencyKey!: string;
}
