/** What a saved card looks like to the customer: never the number, only what identifies it. */
export interface CardDetails {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type AuthorizationResult =
  | { ok: true; reference: string }
  | { ok: false; code: 'PAYMENT_DECLINED' | 'INSUFFICIENT_FUNDS'; message: string };

/** The provider could not be reached or answered nonsense: nothing is known to have been charged. */
export class PaymentProviderUnavailable extends Error {}

/**
 * A payment service provider. Zoco stores only the provider's tokens, never card numbers (PCI DSS
 * scope stays with the provider). Real providers come as plugins; `test` ships for offline use.
 */
export interface PaymentProvider {
  readonly name: string;
  /** The card behind a token, or null when the token is unknown to the provider. */
  describe(token: string): Promise<CardDetails | null>;
  authorize(input: { token: string; amount: number; currency: string; idempotencyKey: string }): Promise<AuthorizationResult>;
  capture(reference: string, amount: number): Promise<void>;
  /** Returns the refund's own reference. */
  refund(reference: string, amount: number, idempotencyKey: string): Promise<string>;
  void(reference: string): Promise<void>;
}

declare module '../../core/context' {
  interface AppServices {
    /** Payment providers by name (`test` is built in). */
    payments: ReadonlyMap<string, PaymentProvider>;
  }
}
