import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import { postMessage } from './complaint-messages';
import { openComplaint } from './complaint-open';
import * as resolutions from './complaint-resolutions';
import {
  ComplaintMessagePostInput,
  ComplaintNoteInput,
  ComplaintOpenInput,
  ComplaintRefundInput,
  ComplaintReturnReceiveInput,
  ComplaintReturnStartInput,
} from './complaint.inputs';
import { ComplaintMessagePayload, ComplaintPayload, ComplaintRefundPayload, ComplaintReplacePayload } from './complaint.payloads';
import { Access, sellerOrAdmin } from '../../auth/field-access';

@Resolver()
export class ComplaintMutationsResolver {
  @Authorized('CUSTOMER')
  @Mutation(() => ComplaintPayload, { description: 'Customer: complain about goods of your order, within the window after (expected) delivery.' })
  complaintOpen(@Ctx() ctx: Context, @Arg('input') input: ComplaintOpenInput) {
    return payload(() => openComplaint(ctx, input));
  }

  @Authorized()
  @Mutation(() => ComplaintMessagePayload, { description: "Customer, seller or operator: write in the complaint's thread." })
  complaintMessagePost(@Ctx() ctx: Context, @Arg('input') input: ComplaintMessagePostInput) {
    return payload(() => postMessage(ctx, input));
  }

  @Access(sellerOrAdmin('complaints:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ComplaintRefundPayload, { description: 'Seller or operator: refund all or part of what was paid for the goods, with a credit note.' })
  complaintRefund(@Ctx() ctx: Context, @Arg('input') input: ComplaintRefundInput) {
    return payload(() => resolutions.refundComplaint(ctx, input));
  }

  @Access(sellerOrAdmin('complaints:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ComplaintReplacePayload, { description: 'Seller or operator: send the goods again (a zero-priced order) and resolve.' })
  complaintReplace(@Ctx() ctx: Context, @Arg('input') input: ComplaintNoteInput) {
    return payload(() => resolutions.replaceComplaint(ctx, input));
  }

  @Access(sellerOrAdmin('complaints:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ComplaintPayload, { description: 'Seller or operator: ask for the goods back, with instructions.' })
  complaintReturnStart(@Ctx() ctx: Context, @Arg('input') input: ComplaintReturnStartInput) {
    return payload(() => resolutions.startReturn(ctx, input));
  }

  @Access(sellerOrAdmin('complaints:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ComplaintRefundPayload, { description: 'Seller or operator: the returned goods arrived; restock, refund and resolve.' })
  complaintReturnReceive(@Ctx() ctx: Context, @Arg('input') input: ComplaintReturnReceiveInput) {
    return payload(() => resolutions.receiveReturn(ctx, input));
  }

  @Access(sellerOrAdmin('complaints:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ComplaintPayload, { description: 'Seller or operator: refuse the complaint (note required).' })
  complaintReject(@Ctx() ctx: Context, @Arg('input') input: ComplaintNoteInput) {
    return payload(() => resolutions.rejectComplaint(ctx, input));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => ComplaintPayload, { description: "Customer: take the seller's rejection to the operator (once)." })
  complaintEscalate(@Ctx() ctx: Context, @Arg('input') input: ComplaintNoteInput) {
    return payload(() => resolutions.escalateComplaint(ctx, input));
  }
}
