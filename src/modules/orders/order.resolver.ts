import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { MailingAddress } from '../../core/address';
import { payload } from '../../core/payload';
import { Customer } from '../customers';
import { Seller } from '../sellers';
import { Invoice } from '../invoices';
import { Order, OrderCustomer, OrderLine, OrderAdjustment } from './order.type';
import { OrderCancelInput, OrderFulfillInput, OrderIdInput, OrdersArgs } from './order.inputs';
import { OrderConnection, OrderPayload } from './order.payloads';
import * as orders from './order.service';
import * as transitions from './order-transitions';
import { Access, sellerKey, sellerOrAdmin } from '../../auth/field-access';

@Resolver(() => Order)
export class OrderResolver {
  @Query(() => Order, { nullable: true, description: 'An order of yours (customer), to you (seller), or any (operator).' })
  order(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return orders.findOrderByGlobalId(ctx, id);
  }

  @Access(sellerKey('orders:read'))
  @Authorized('SELLER')
  @Query(() => OrderConnection, { description: "The calling seller's orders, newest first." })
  sellerOrders(@Ctx() ctx: Context, @Args() args: OrdersArgs) {
    return orders.listSellerOrders(ctx, args);
  }

  @FieldResolver(() => Seller)
  async seller(@Ctx() ctx: Context, @Root() order: Order) {
    return (await ctx.loaders.sellerById.load(order.sellerUuid))!;
  }

  @FieldResolver(() => MailingAddress, { description: 'Where the order goes; a seller sees the phone only under the rule of `customer.email`.' })
  shippingAddress(@Ctx() ctx: Context, @Root() order: Order) {
    return orders.orderShippingAddress(ctx, order);
  }

  @FieldResolver(() => OrderCustomer)
  customer(@Ctx() ctx: Context, @Root() order: Order): Promise<OrderCustomer> {
    return orders.orderCustomer(ctx, order);
  }

  @FieldResolver(() => [OrderLine])
  lines(@Ctx() ctx: Context, @Root() order: Order) {
    return ctx.loaders.orderLinesByOrderId.load(order.uuid);
  }

  @FieldResolver(() => [OrderAdjustment], { description: 'Discounts and surcharges applied at checkout, in the order applied.' })
  adjustments(@Ctx() ctx: Context, @Root() order: Order) {
    return ctx.loaders.orderAdjustmentsByOrderId.load(order.uuid);
  }

  @FieldResolver(() => Invoice, { nullable: true, description: "The seller's invoice, issued at payment." })
  invoice(@Ctx() ctx: Context, @Root() order: Order) {
    return ctx.loaders.invoiceByOrderId.load(order.uuid);
  }

  @FieldResolver(() => [Invoice], { description: 'Credit notes correcting the invoice (a cancellation issues one).' })
  creditNotes(@Ctx() ctx: Context, @Root() order: Order) {
    return ctx.loaders.creditNotesByOrderId.load(order.uuid);
  }

  @Access(sellerOrAdmin('orders:fulfil'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => OrderPayload, { description: 'Seller: the order has shipped (PAID → FULFILLED).' })
  orderFulfill(@Ctx() ctx: Context, @Arg('input') input: OrderFulfillInput) {
    return payload(() => transitions.fulfilOrder(ctx, input));
  }

  @Access(sellerOrAdmin('orders:fulfil'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => OrderPayload, { description: 'Seller: the order arrived (FULFILLED → DELIVERED).' })
  orderMarkDelivered(@Ctx() ctx: Context, @Arg('input') input: OrderIdInput) {
    return payload(() => transitions.markDelivered(ctx, input.id));
  }

  @Authorized()
  @Mutation(() => OrderPayload, { description: 'Customer or seller, before fulfilment: cancels, restocks and refunds.' })
  orderCancel(@Ctx() ctx: Context, @Arg('input') input: OrderCancelInput) {
    return payload(() => transitions.cancelOrder(ctx, input));
  }
}

@Resolver(() => Customer)
export class CustomerOrdersResolver {
  @FieldResolver(() => OrderConnection, { description: 'Your orders, newest first.' })
  orders(@Ctx() ctx: Context, @Root() customer: Customer, @Args() args: OrdersArgs) {
    return orders.listCustomerOrders(ctx, customer.uuid, args);
  }
}
