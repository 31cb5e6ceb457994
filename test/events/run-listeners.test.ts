import type { TxContext } from '../../src/core/context';
import { runListeners, type PendingEvent } from '../../src/events/outbox';

// In-transaction listeners: a listener with `many` runs once per type for all of one call's events of that type
// (a checkout's orders: one statement for the purchase), at the first of them; the others event by event, in order.
describe('runListeners', () => {
  it('runs a `many` listener once per type, also when it listens to several types and they interleave', async () => {
    const calls: string[] = [];
    const n = (payload: unknown) => (payload as { n: number }).n;
    const both = Object.assign(async (_: TxContext, payload: unknown) => void calls.push(`one ${n(payload)}`), {
      many: async (_: TxContext, payloads: readonly unknown[]) => void calls.push(`many ${payloads.map(n).join(',')}`),
    });
    const plain = async (_: TxContext, payload: unknown) => void calls.push(`plain ${n(payload)}`);
    const ctx = { listeners: { 'order.paid': [both, plain], 'order.cancelled': [both] } } as unknown as TxContext;
    const events = [
      { type: 'order.paid', payload: { n: 1 } },
      { type: 'order.cancelled', payload: { n: 2 } },
      { type: 'order.paid', payload: { n: 3 } },
      { type: 'order.cancelled', payload: { n: 4 } },
    ] as unknown as PendingEvent[];
    await runListeners(ctx, events);
    expect(calls).toEqual(['many 1,3', 'plain 1', 'many 2,4', 'plain 3']);
  });
});
