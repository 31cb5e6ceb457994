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
 * Every call that moves money takes an idempotency key and must be safe to repeat with it: after a
 * crash the recovery sweep repeats whatever it cannot prove happened.
 */
export interface PaymentProvider {
  readonly name: string;
  /** The card behind a token, or null when the token is unknown to the provider. */
  describe(token: string): Promise<CardDetails | null>;
  /** Reserves the amount without taking it; the same idempotencyKey again answers the first result. */
  authorize(input: { token: string; amount: number; currency: string; idempotencyKey: string }): Promise<AuthorizationResult>;
  /**
   * The authorization made under an idempotency key, or null when there is none: how recovery finds the
   * reference a crash lost (providers look it up by the merchant reference they were given).
   */
  findAuthorization(idempotencyKey: string): Promise<{ reference: string } | null>;
  /** Takes `amount` of an authorization; repeating the idempotencyKey changes nothing. */
  capture(reference: string, amount: number, idempotencyKey: string): Promise<void>;
  /** Returns the refund's own reference. */
  refund(reference: string, amount: number, idempotencyKey: string): Promise<string>;
  /** Releases an authorization that will not be captured; repeating it changes nothing. */
  void(reference: string, idempotencyKey: string): Promise<void>;
  /** Called when the app stops. */
  close?(): Promise<void>;
}

declare module '../../core/context' {
  interface AppServices {
    /** Payment providers by name (`test` is built in). */
    payments: ReadonlyMap<string, PaymentProvider>;
  }
}
