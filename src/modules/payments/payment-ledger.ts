import type { TxContext } from '../../core/context';
import { PAYMENT_COLUMNS, type PaymentRow } from './payment.rows';

/**
 * The only writer of `payment` (STYLE.md, habit 13): what the providers were asked to capture and
 * refund, booked in the transaction of the checkout or cancellation that asked.
 */
export interface Capture {
  checkoutId: string;
  provider: string;
  /** The provider's reference of the captured authorization. */
  reference: string;
  amount: number;
  currency: string;
}

export async function recordCapture({ tx }: TxContext, capture: Capture): Promise<void> {
  await tx.query(
    `INSERT INTO payment (checkout_id, provider, provider_ref, amount, currency, status) VALUES ($1, $2, $3, $4, $5, 'captured')`,
    [capture.checkoutId, capture.provider, capture.reference, capture.amount, capture.currency],
  );
}

export interface Refund {
  provider: string;
  reference: string;
  amount: number;
}

/**
 * Books a refund of up to `amount` on the checkout's payment (never more than is left of it) and says
 * what to ask the provider for; null when the checkout has no payment. The row stays locked until
 * commit, so concurrent cancellations of one checkout's orders never refund more than was captured.
 */
export async function recordRefund({ tx }: TxContext, checkoutId: string, amount: number): Promise<Refund | null> {
  const [payment]: PaymentRow[] = await tx.query(`SELECT ${PAYMENT_COLUMNS} FROM payment WHERE checkout_id = $1 FOR NO KEY UPDATE`, [checkoutId]);
  if (!payment) return null;
  const refunded = Math.min(amount, payment.amount - payment.refundedAmount);
  await tx.query(
    `UPDATE payment SET refunded_amount = refunded_amount + $2,
            status = CASE WHEN refunded_amount + $2 = amount THEN 'refunded' ELSE 'partially_refunded' END
      WHERE id = $1`,
    [payment.id, refunded],
  );
  return { provider: payment.provider, reference: payment.providerRef, amount: refunded };
}
