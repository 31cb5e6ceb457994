/**
 * A `payment` row as the ledger reads it: one attempt of a checkout to pay; the attempt whose checkout
 * committed is captured once and refunded in parts as its orders are cancelled.
 */
export interface PaymentRow {
  id: string;
  provider: string;
  /** Null until the provider authorized. */
  providerRef: string | null;
  amount: number;
  refundedAmount: number;
}

export const PAYMENT_COLUMNS = `id, provider, provider_ref AS "providerRef", amount, refunded_amount AS "refundedAmount"`;
