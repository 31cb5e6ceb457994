import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { toGlobalId } from '../../core/global-id';
import { PageArgs } from '../../core/connection';
import { Invoice } from '../invoices';
import { Order, OrderLine } from '../orders';
import { Seller } from '../sellers';
import { listMessages } from './complaint-messages';
import { ComplaintsArgs } from './complaint.inputs';
import { ComplaintConnection, ComplaintMessageConnection } from './complaint.payloads';
import * as complaints from './complaint.service';
import { Complaint, ComplaintLine, ComplaintRefund, ComplaintReturn, ComplaintTransition, SellerComplaintMetrics } from './complaint.type';

@Resolver(() => Complaint)
export class ComplaintResolver {
  @Query(() => Complaint, { nullable: true, description: 'A complaint of yours (customer), to you (seller), or any (operator); null for anyone else.' })
  complaint(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return complaints.findComplaintById(ctx, id);
  }

  @Authorized()
  @Query(() => ComplaintConnection, { description: 'Complaints newest first: all for the operator, your own for a seller key or a customer.' })
  complaints(@Ctx() ctx: Context, @Args() args: ComplaintsArgs) {
    return complaints.listComplaints(ctx, args);
  }

  @FieldResolver(() => Order)
  async order(@Ctx() ctx: Context, @Root() complaint: Complaint) {
    return (await ctx.loaders.orderById.load(complaint.orderUuid))!;
  }

  @FieldResolver(() => [ComplaintLine])
  lines(@Root() complaint: Complaint): ComplaintLine[] {
    return complaint.lineData.map((l) => ({ orderUuid: complaint.orderUuid, orderLineUuid: l.orderLineId, quantity: l.quantity }));
  }

  @FieldResolver(() => [ComplaintTransition], { description: 'Every state change, oldest first, with who made it and when.' })
  history(@Ctx() ctx: Context, @Root() complaint: Complaint) {
    return ctx.loaders.complaintHistory.load(complaint.uuid);
  }

  @FieldResolver(() => ComplaintMessageConnection, { description: 'The thread, oldest first.' })
  messages(@Ctx() ctx: Context, @Root() complaint: Complaint, @Args() page: PageArgs) {
    return listMessages(ctx, complaint.uuid, page);
  }

  @FieldResolver(() => [ComplaintRefund])
  refunds(@Ctx() ctx: Context, @Root() complaint: Complaint) {
    return ctx.loaders.complaintRefunds.load(complaint.uuid);
  }

  @FieldResolver(() => ComplaintReturn, { nullable: true, name: 'return' })
  complaintReturn(@Ctx() ctx: Context, @Root() complaint: Complaint) {
    return ctx.loaders.complaintReturn.load(complaint.uuid);
  }

  @FieldResolver(() => Boolean, { description: 'The seller owes an answer past its deadline.' })
  overdue(@Ctx() ctx: Context, @Root() complaint: Complaint): boolean {
    return complaint.sellerDueAt != null && complaint.sellerDueAt.getTime() <= ctx.clock().getTime();
  }
}

@Resolver(() => ComplaintLine)
export class ComplaintLineResolver {
  @FieldResolver(() => OrderLine)
  async orderLine(@Ctx() ctx: Context, @Root() line: ComplaintLine) {
    const lines = await ctx.loaders.orderLinesByOrderId.load(line.orderUuid);
    const id = toGlobalId('OrderLine', line.orderLineUuid);
    return lines.find((l) => l.id === id)!;
  }
}

@Resolver(() => ComplaintRefund)
export class ComplaintRefundResolver {
  @FieldResolver(() => Invoice, { description: "The credit note in the seller's R series; its pdfUrl is the PDF." })
  async creditNote(@Ctx() ctx: Context, @Root() refund: ComplaintRefund) {
    return (await ctx.loaders.invoiceById.load(refund.creditNoteUuid))!;
  }
}

/** Extends the sellers module's Seller with its complaint record: complaints depend on sellers, not the reverse. */
@Resolver(() => Seller)
export class SellerComplaintMetricsResolver {
  @FieldResolver(() => SellerComplaintMetrics, { nullable: true, description: 'For the seller itself and the operator; null for anyone else.' })
  complaintMetrics(@Ctx() ctx: Context, @Root() seller: Seller) {
    return complaints.complaintMetricsOf(ctx, seller.uuid);
  }
}
