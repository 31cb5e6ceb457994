import { Ctx, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../core/context';
import { apiError, forbidden } from '../../core/errors';
import { sellerMay } from '../../auth/guards';
import type { PublishedEvent } from '../../pubsub/pubsub';
import { customerOrdersTopic, sellerOrdersTopic } from '../../pubsub/topic-router';
import { findOrder } from './order.service';
import { Order } from './order.type';

const MAX_HELD = 256;

/**
 * The viewer's own orders' changes: a customer's topic or a seller key's (orders:read), routed per
 * recipient (pubsub/topic-router.ts); no argument names whose. Each event is re-read through findOrder,
 * which applies canSeeOrder again. At most once while connected: query the order after reconnecting.
 */
function orderUpdates(ctx: Context): AsyncIterableIterator<PublishedEvent> {
  const viewer = ctx.viewer;
  if (viewer.kind === 'guest') throw apiError('UNAUTHENTICATED', 'Sign in to hear of your orders.');
  if (viewer.kind === 'customer') return routed(ctx, customerOrdersTopic(viewer.customerId));
  if (viewer.kind === 'seller' && sellerMay(viewer, viewer.sellerId, 'orders:read')) return routed(ctx, sellerOrdersTopic(viewer.sellerId));
  throw forbidden('Only customers and seller keys with orders:read hear of their orders.');
}

function routed(ctx: Context, topic: string): AsyncIterableIterator<PublishedEvent> {
  const queue: PublishedEvent[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  const unlisten = ctx.topics.listen(topic, (event) => {
    if (queue.length < MAX_HELD) queue.push(event);
    wake?.();
  });
  const finish = (): Promise<IteratorResult<PublishedEvent>> => {
    done = true;
    unlisten();
    wake?.();
    return Promise.resolve({ done: true, value: undefined });
  };
  return {
    async next() {
      while (!done && !queue.length) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
      const event = queue.shift();
      return done || !event ? { done: true, value: undefined } : { done: false, value: event };
    },
    return: finish,
    throw: async (err: unknown) => {
      await finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

@Resolver()
export class OrderUpdatedResolver {
  @Subscription(() => Order, {
    nullable: true,
    subscribe: ({ context }) => orderUpdates(context as Context),
    description: "Your orders' state changes: a customer's own orders, a seller key's (orders:read) own seller's. Nobody else's.",
  })
  async orderUpdated(@Root() event: PublishedEvent, @Ctx() ctx: Context): Promise<Order | null> {
    return findOrder(ctx, (event.payload as { orderId: string }).orderId);
  }
}
