import { Authorized, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { sellerMay } from '../../auth/guards';
import type { Context } from '../../core/context';
import { notFound } from '../../core/errors';
import type { ComplaintEvent } from '../../events/event-types';
import type { PublishedEvent } from '../../pubsub/pubsub';
import { findComplaint } from './complaint.service';
import { Complaint } from './complaint.type';

/** Only the complaint's customer and its seller hear of it (issue 11); the operator queries `complaints`. */
function concerns(event: PublishedEvent, ctx: Context): boolean {
  const c = event.payload as unknown as ComplaintEvent;
  if (ctx.viewer.kind === 'seller') return sellerMay(ctx.viewer, c.sellerId, 'orders:read', 'complaints:write');
  return ctx.viewer.kind === 'customer' && ctx.viewer.customerId === c.customerId;
}

@Resolver()
export class ComplaintSubscriptionResolver {
  @Authorized('SELLER', 'CUSTOMER')
  @Subscription(() => Complaint, {
    topics: ['complaint.opened', 'complaint.updated', 'complaint.resolved'],
    filter: ({ payload, context }) => concerns(payload as PublishedEvent, context as Context),
    description: 'Your complaints as they change: opened, answered, escalated, resolved. After reconnecting, query `complaints`.',
  })
  async complaintUpdated(@Root() event: PublishedEvent, @Ctx() ctx: Context): Promise<Complaint> {
    const complaint = await findComplaint(ctx, (event.payload as unknown as ComplaintEvent).complaintId);
    if (!complaint) throw notFound('Complaint');
    return complaint;
  }
}
