import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/connection';
import { Customer } from '../customers/customer.type';
import { InvoiceConnection } from './invoice.payloads';
import { listCustomerInvoices } from './invoice.service';

/** Extends the customers module's Customer with its invoices: invoices depend on customers, not the reverse. */
@Resolver(() => Customer)
export class CustomerInvoicesResolver {
  @FieldResolver(() => InvoiceConnection, { description: "The customer's invoices and credit notes from every seller, newest first." })
  invoices(@Ctx() ctx: Context, @Root() customer: Customer, @Args() page: PageArgs) {
    return listCustomerInvoices(ctx, customer.uuid, page);
  }
}
