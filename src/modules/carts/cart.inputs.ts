import { Field, ID, InputType, Int } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { MailingAddressInput } from '../../core/address';

@InputType()
export class CartLineInput {
  @Field(() => ID)
  listingId!: string;

  @Field(() => Int, { defaultValue: 1, description: '1 to 999. Adding a listing already in the cart adds to its quantity.' })
  quantity!: number;

  @Field(() => JSONObjectResolver, {
    nullable: true,
    description:
      'Options of plugins the listing\'s seller installed, by plugin: `{ "gift-wrap": { "wrap": true } }` (each plugin declares and validates its own). Adding a listing already in the cart replaces the options of the plugins named.',
  })
  options?: Record<string, unknown>;
}

@InputType()
export class CartCreateInput {
  @Field(() => [CartLineInput], { defaultValue: [] })
  lines!: CartLineInput[];
}

@InputType()
export class CartLinesAddInput {
  @Field(() => ID)
  cartId!: string;

  @Field(() => [CartLineInput])
  lines!: CartLineInput[];
}

@InputType()
export class CartLineUpdateInput {
  @Field(() => ID, { description: 'The CartLine ID.' })
  id!: string;

  @Field(() => Int, { description: '0 to 999; 0 removes the line.' })
  quantity!: number;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Plugin options to set, by plugin (see CartLineInput.options); `{ "gift-wrap": null }` removes that plugin\'s.' })
  options?: Record<string, unknown>;
}

@InputType()
export class CartLinesUpdateInput {
  @Field(() => ID)
  cartId!: string;

  @Field(() => [CartLineUpdateInput])
  lines!: CartLineUpdateInput[];
}

@InputType()
export class CartLinesRemoveInput {
  @Field(() => ID)
  cartId!: string;

  @Field(() => [ID])
  lineIds!: string[];
}

@InputType()
export class CartBuyerIdentityUpdateInput {
  @Field(() => ID)
  cartId!: string;

  @Field({ nullable: true })
  email?: string;

  @Field(() => MailingAddressInput, { nullable: true, description: 'Give this or addressId, not both.' })
  shippingAddress?: MailingAddressInput;

  @Field(() => ID, { nullable: true, description: "One of the signed-in customer's saved addresses (CustomerAddress ID), copied into the cart." })
  addressId?: string;
}
