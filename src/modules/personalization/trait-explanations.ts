import { Money } from '../../core/money';
import type { Traits } from './trait-model';
import { AFFINITY_HALF_LIFE_DAYS } from './trait-store';
import type { CustomerTraits } from './traits.type';
import type { TouchpointChannel } from './touchpoint.type';

const pct = (x: number) => `${Math.round(x * 100)}%`;
const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** The API shape of evaluated traits: each value with the sentence that explains it (issue 10: "why they see what they see"). */
export function explainTraits(t: Traits, currency: string): CustomerTraits {
  const money = (amount: number) => new Money(amount, currency);
  const gap = Math.round(t.expectedGapDays);
  return {
    evaluatedAt: t.evaluatedAt,
    recencyDays: {
      value: t.recencyDays,
      explanation: t.recencyDays === null ? 'No paid order yet.' : `The last paid order was ${days(t.recencyDays)} ago.`,
    },
    ordersLast365Days: { value: t.orders365, explanation: `${t.orders365} paid orders in the last 365 days, cancelled ones not counted.` },
    monetaryLast365Days: { value: money(t.monetary365), explanation: `Items of those ${t.orders365} orders, before shipping.` },
    averageOrderValue: {
      value: money(t.avgOrderValue),
      explanation: t.orders365 ? `Spend of the last 365 days divided by its ${t.orders365} orders.` : 'No orders in the last 365 days.',
    },
    predictedValue12Months: {
      value: money(t.predictedValue12m),
      explanation: `Another year like the last one (${money(t.monetary365).formatted}), weighted by the ${pct(1 - t.churnRisk)} chance of still being a customer.`,
    },
    churnRisk: {
      value: t.churnRisk,
      explanation: t.lastOrderAt
        ? `${days(t.silentDays)} since the last order, where this customer usually orders every ~${days(gap)}.`
        : `No order in the last year; ${days(t.silentDays)} since the last visit, where browsers return every ~${days(gap)}.`,
    },
    priceSensitivity: {
      value: t.priceSensitivity,
      explanation: t.orders365
        ? `${t.priceDriven365} of ${t.orders365} orders in the last 365 days had a discount or followed a price drop (${t.afterPriceDrop365 || 'none'} after a price drop).`
        : 'No orders yet: neither sensitive nor insensitive to price (0.5).',
    },
    lastSeenAt: { value: t.lastSeenAt, explanation: 'The latest touchpoint on any channel, or an order.' },
    channelMix: {
      shares: Object.entries(t.channelMix).map(([channel, share]) => ({ channel: channel as TouchpointChannel, share })),
      explanation: 'Share of the last 90 days’ touchpoints per channel.',
    },
    categoryAffinities: t.categories.map((c) => ({
      categoryUuid: c.targetId,
      score: c.score,
      explanation: `${pct(c.score)} of recent interest (views, likes, carts and purchases; half-life ${AFFINITY_HALF_LIFE_DAYS} days).`,
    })),
    sellerAffinities: t.sellers.map((s) => ({
      sellerUuid: s.targetId,
      score: s.score,
      explanation: `${pct(s.score)} of recent interest in sellers (views, carts and purchases; half-life ${AFFINITY_HALF_LIFE_DAYS} days).`,
    })),
  };
}
