import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Customer } from '../customers';
import { Cart } from './cart.type';
import { activeCartOf } from './cart.service';

/** Extends the customers module's Customer with its cart: carts depend on customers' types, not the reverse. */
@Resolver(() => Customer)
export class CustomerCartResolver {
  @FieldResolver(() => Cart, { nullable: true, description: "The customer's active cart; only the customer sees it." })
  cart(@Ctx() ctx: Context, @Root() customer: Customer) {
    return activeCartOf(ctx, customer.uuid);
  }
}
