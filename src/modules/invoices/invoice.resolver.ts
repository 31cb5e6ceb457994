import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs, connectionType } from '../../core/connection';
import { Invoice } from './invoice.type';
import * as invoices from './invoice.service';

@ObjectType()
export class InvoiceConnection extends connectionType('Invoice', Invoice) {}

@ArgsType()
export class SellerInvoicesArgs extends PageArgs {
  @Field(() => Int, { nullable: true, description: 'Only the invoices numbered in this year.' })
  year?: number;

  @Field(() => ID, { nullable: true, description: 'The operator names the seller; a seller key lists its own.' })
  sellerId?: string;
}

@Resolver(() => Invoice)
export class InvoiceResolver {
  @Query(() => Invoice, { nullable: true, description: 'An invoice or credit note: its buyer, its seller and the operator see it; null for anyone else.' })
  invoice(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Invoice | null> {
    return invoices.findInvoiceById(ctx, id);
  }

  @Authorized('SELLER', 'ADMIN')
  @Query(() => InvoiceConnection, { description: "The seller's invoices and credit notes, newest first." })
  sellerInvoices(@Ctx() ctx: Context, @Args() args: SellerInvoicesArgs) {
    return invoices.listSellerInvoices(ctx, args);
  }

  @FieldResolver(() => Invoice, { nullable: true, description: 'The invoice a credit note corrects; null on invoices.' })
  correctedInvoice(@Ctx() ctx: Context, @Root() invoice: Invoice): Promise<Invoice | null> {
    return invoices.correctedInvoice(ctx, invoice);
  }
}
