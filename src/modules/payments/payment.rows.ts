/** A `payment` row as the ledger reads it: one capture per checkout, refunded in parts as its orders are cancelled. */
export interface PaymentRow {
  id: string;
  provider: string;
  providerRef: string;
  amount: number;
  refundedAmount: number;
}

export const PAYMENT_COLUMNS = `id, provider, provider_ref AS "providerRef", amount, refunded_amount AS "refundedAmount"`;
