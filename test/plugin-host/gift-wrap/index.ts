import { z } from 'zod';
import { definePlugin, type PluginEvent } from 'zoco/plugin';
import { GiftWrapRequest } from './gift-wrap.entity';
import { GiftWrapTables1800000000000 } from './gift-wrap.migrations';
import { GiftWrapOrderLineResolver, GiftWrapResolver, toNote } from './gift-wrap.resolver';

/** What the handlers saw (the test reads it). */
export const seen: { erased: string[]; wrapped: PluginEvent[]; cartUpdates: number } = { erased: [], wrapped: [], cartUpdates: 0 };

/** A test plugin with everything issue 15 asks of a third-party plugin. */
export const giftWrap = definePlugin({
  name: 'gift-wrap',
  version: '1.0.0',
  compatibility: '^1.0.0',
  description: 'Sellers wrap items as gifts, for a surcharge per wrapped line.',
  config: z.strictObject({ price: z.number().int().min(0).max(10_000).default(300) }),
  permissions: ['orders:read'],
  entities: [GiftWrapRequest],
  migrations: [GiftWrapTables1800000000000],
  resolvers: [GiftWrapResolver, GiftWrapOrderLineResolver],
  lineOptions: z.strictObject({ wrap: z.boolean(), message: z.string().max(100, 'message: at most 100 characters').optional() }),
  checkout: {
    async adjust(group, scope) {
      const wrapped = group.lines.filter((l) => l.options['wrap'] === true);
      return {
        adjustments: wrapped.map((l) => ({
          reference: null,
          label: 'Gift wrap',
          kind: 'SURCHARGE' as const,
          amount: scope.config.price * l.quantity,
          lineKey: l.key,
          target: 'ITEMS' as const,
          taxClass: 'standard',
        })),
      };
    },
  },
  emits: { wrapped: z.strictObject({ orderLineId: z.string().uuid() }) },
  nodes: {
    GiftWrapNote: async (ctx, id) => {
      const [row] = await ctx.plugin.findAcrossSellers(GiftWrapRequest, { id });
      return row ? toNote(row) : null;
    },
  },
  on: {
    'order.paid': async (event, scope) => {
      const order = await scope.order(event.payload.orderId);
      for (const line of order?.lines ?? []) {
        if (line.options['wrap'] !== true) continue;
        const inserted = await scope.table(GiftWrapRequest).insertIfAbsent({ orderLineId: line.id, customerId: order!.customerId, message: String(line.options['message'] ?? '') });
        if (inserted) await scope.emit('wrapped', { orderLineId: line.id });
      }
    },
    'gift-wrap.wrapped': async (event: PluginEvent<{ orderLineId: string; sellerId: string }>, scope) => {
      const order = await scope.orderOfLine(event.payload.orderLineId);
      if (order) seen.wrapped.push(event);
    },
    'customer.erased': async (event, scope) => {
      seen.erased.push(event.payload.customerId);
      await scope.table(GiftWrapRequest).update({ customerId: event.payload.customerId }, { customerId: null });
    },
    'cart.updated': async () => {
      seen.cartUpdates++;
    },
  },
  privacy: {
    async export({ customerId, table }) {
      return { notes: (await table(GiftWrapRequest).find({ customerId })).map((r) => r.message) };
    },
    async erase({ customerId, table }) {
      await table(GiftWrapRequest).delete({ customerId });
    },
  },
});
export default giftWrap;
