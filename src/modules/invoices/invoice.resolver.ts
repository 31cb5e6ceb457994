import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Invoice, InvoiceBuyer } from './invoice.type';
import { SellerInvoicesArgs } from './invoice.inputs';
import { InvoiceConnection } from './invoice.payloads';
import * as invoices from './invoice.service';
import { Access, sellerOrAdmin } from '../../auth/field-access';

@Resolver(() => Invoice)
export class InvoiceResolver {
  @Query(() => Invoice, { nullable: true, description: 'An invoice or credit note: its buyer, its seller and the operator see it; null for anyone else.' })
  invoice(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Invoice | null> {
    return invoices.findInvoiceById(ctx, id);
  }

  @Access(sellerOrAdmin('orders:read'))
  @Authorized('SELLER', 'ADMIN')
  @Query(() => InvoiceConnection, { description: "The seller's invoices and credit notes, newest first." })
  sellerInvoices(@Ctx() ctx: Context, @Args() args: SellerInvoicesArgs) {
    return invoices.listSellerInvoices(ctx, args);
  }

  @FieldResolver(() => InvoiceBuyer)
  buyer(@Ctx() ctx: Context, @Root() invoice: Invoice): Promise<InvoiceBuyer> {
    return invoices.invoiceBuyer(ctx, invoice);
  }

  @FieldResolver(() => Invoice, { nullable: true, description: 'The invoice a credit note corrects; null on invoices.' })
  correctedInvoice(@Ctx() ctx: Context, @Root() invoice: Invoice): Promise<Invoice | null> {
    return invoices.correctedInvoice(ctx, invoice);
  }
}
