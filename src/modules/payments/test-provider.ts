import { randomUUID } from 'node:crypto';
import {
  PaymentProviderUnavailable,
  type AuthorizationResult,
  type CardDetails,
  type PaymentProvider,
} from './payment-provider';

/** Documented test tokens (README, "Payments"): each behaves like a card in that situation. */
export const testTokens: Record<string, CardDetails & { outcome: 'success' | 'declined' | 'insufficient_funds' | 'network_error' }> = {
  tok_visa: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, outcome: 'success' },
  tok_mastercard: { brand: 'mastercard', last4: '4444', expMonth: 6, expYear: 2031, outcome: 'success' },
  tok_declined: { brand: 'visa', last4: '0002', expMonth: 12, expYear: 2030, outcome: 'declined' },
  tok_insufficient_funds: { brand: 'visa', last4: '9995', expMonth: 12, expYear: 2030, outcome: 'insufficient_funds' },
  tok_network_error: { brand: 'visa', last4: '0119', expMonth: 12, expYear: 2030, outcome: 'network_error' },
};

interface Charge {
  amount: number;
  captured: number;
  refunded: number;
  voided: boolean;
}

/** An in-memory provider that keeps a ledger, so tests can check what was charged and refunded. */
export function createTestPaymentProvider(): PaymentProvider & { ledger: Map<string, Charge> } {
  const ledger = new Map<string, Charge>();
  const byIdempotencyKey = new Map<string, AuthorizationResult>();
  const charge = (reference: string): Charge => {
    const c = ledger.get(reference);
    if (!c) throw new Error(`test provider: unknown payment ${reference}`);
    return c;
  };
  return {
    name: 'test',
    ledger,
    async describe(token) {
      const card = testTokens[token];
      return card ? { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear } : null;
    },
    async authorize({ token, amount, idempotencyKey }) {
      const previous = byIdempotencyKey.get(idempotencyKey);
      if (previous) return previous;
      const card = testTokens[token];
      if (card?.outcome === 'network_error') throw new PaymentProviderUnavailable('test provider: network failure (tok_network_error)');
      let result: AuthorizationResult;
      if (!card || card.outcome === 'declined') result = { ok: false, code: 'PAYMENT_DECLINED', message: 'The card was declined.' };
      else if (card.outcome === 'insufficient_funds') result = { ok: false, code: 'INSUFFICIENT_FUNDS', message: 'The card has insufficient funds.' };
      else {
        const reference = `pay_${randomUUID()}`;
        ledger.set(reference, { amount, captured: 0, refunded: 0, voided: false });
        result = { ok: true, reference };
      }
      byIdempotencyKey.set(idempotencyKey, result);
      return result;
    },
    async capture(reference, amount) {
      const c = charge(reference);
      if (c.voided || c.captured + amount > c.amount) throw new Error(`test provider: cannot capture ${amount} of ${reference}`);
      c.captured += amount;
    },
    async refund(reference, amount) {
      const c = charge(reference);
      if (c.refunded + amount > c.captured) throw new Error(`test provider: cannot refund ${amount} of ${reference}`);
      c.refunded += amount;
      return `re_${randomUUID()}`;
    },
    async void(reference) {
      charge(reference).voided = true;
    },
  };
}
