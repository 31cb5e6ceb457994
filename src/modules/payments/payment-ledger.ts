import { createHash, randomUUID } from 'node:crypto';
import type { AppServices, InTransaction, TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { withTransaction } from '../../db/transaction';
import { crashPoint } from './crash-point';
import { PaymentProviderUnavailable, type PaymentProvider } from './payment-provider';
import { PAYMENT_COLUMNS, type PaymentRow } from './payment.rows';
import { preparedQuery, preparedTxQuery } from '../../db/prepared-query';

/**
 * The only writer of `payment` (STYLE.md, habit 13). A checkout's payment goes through these steps,
 * each durable before the next starts, so that a crash between any two leaves a row that says what to
 * do (issue 9; the recovery sweep in payment-recovery.ts does it):
 *
 * 1. `openPayment` (or `openPaymentSql` inside another statement, e.g. the checkout's replay check), before the
 *    checkout transaction: a `pending` row, committed, naming the idempotency key the provider will see. A pending
 *    row no transaction holds is an authorization, maybe, whose checkout did not commit: it is voided.
 * 2. `holdPaymentSql` (checkHeld) and `authorizePayment` (or `authorizeAtProvider`, then `bookAuthorizationSql`
 *    inside another statement, e.g. the stock take), inside the checkout transaction: the row is locked for the
 *    whole transaction (so recovery skips it), the provider authorizes (never captures), and the row
 *    becomes `authorized` and linked to its checkout, committed or rolled back with the orders.
 * 3. `capturePayment`, after the commit: the provider captures, the row becomes `captured`. An
 *    `authorized` row is a committed checkout not yet captured: recovery captures it.
 * 4. `releasePayment`, when the transaction failed: the authorization, if any, is voided.
 *
 * Provider calls repeat with the same idempotency keys, so doing a step twice charges nothing twice.
 */
export type PaymentHost = Pick<AppServices, 'db' | 'events' | 'payments' | 'log' | 'config'>;

export interface OpenPayment {
  id: string;
  provider: PaymentProvider;
  /** The idempotency key of this attempt at the provider. */
  providerKey: string;
}

/** What became of the authorization of one attempt, as far as this process knows. */
export type AuthorizationState =
  | { state: 'not-asked' }
  | { state: 'refused' }
  | { state: 'unknown' }
  | { state: 'authorized'; reference: string; amount: number };

const OPEN_COLUMNS = `${PAYMENT_COLUMNS}, status, provider_key AS "providerKey"`;

interface OpenRow extends PaymentRow {
  status: string;
  providerKey: string;
}

/**
 * Step 1: records, committed, that this checkout attempt may authorize a payment. The provider's
 * idempotency key is derived from the customer's own key plus the attempt: every call made for an
 * attempt (the authorization, recovery's lookup, the capture or the void) reaches the provider
 * under it. A request that comes again after an attempt failed or was abandoned makes a new
 * attempt, because a voided authorization cannot be captured; one that comes after the checkout
 * committed is answered from the checkout and never reaches the provider.
 */
export async function openPayment(
  ctx: PaymentHost,
  { customerId, idempotencyKey, provider, currency }: { customerId: string; idempotencyKey: string; provider: PaymentProvider; currency: string },
): Promise<OpenPayment> {
  const payment = { ...newPayment(customerId, idempotencyKey), provider };
  await preparedQuery(
    ctx.db,
    openPaymentSql({ id: '$1', customerId: '$2', idempotencyKey: '$3', providerKey: '$4', provider: '$5', currency: '$6' }, '(SELECT) one'),
    [payment.id, customerId, idempotencyKey, payment.providerKey, provider.name, currency],
  );
  return payment;
}

/** Step 1's attempt: its id and the provider's idempotency key (see openPayment), before its row is written (openPaymentSql). */
export function newPayment(customerId: string, idempotencyKey: string): Omit<OpenPayment, 'provider'> {
  const derived = createHash('sha256').update(`${customerId}:${idempotencyKey}`).digest('hex').slice(0, 40);
  const id = randomUUID();
  return { id, providerKey: `checkout_${derived}_${id.replaceAll('-', '')}` };
}

/**
 * Step 1 as a data-modifying CTE for a statement of the caller's (the purchase's replay check: one round trip
 * fewer per purchase, issue 14): inserts the pending row of newPayment's attempt once for each row of `from`
 * (a FROM list with its WHERE: the caller's condition), RETURNING its id. The values are SQL expressions
 * (parameters, or the provider's column of a row the caller reads).
 */
export function openPaymentSql(
  v: { id: string; customerId: string; idempotencyKey: string; providerKey: string; provider: string; currency: string },
  from: string,
): string {
  return `INSERT INTO payment (id, customer_id, idempotency_key, provider_key, provider, amount, currency, status)
     SELECT ${v.id}::uuid, ${v.customerId}::uuid, ${v.idempotencyKey}::text, ${v.providerKey}::text, ${v.provider}::text, 0, ${v.currency}::text, 'pending'
       FROM ${from} RETURNING id`;
}

/**
 * Step 2a, first in the checkout transaction: locks the attempt until commit. Recovery settles only
 * rows no transaction holds; if it settled this one in the instant before (the request was stalled
 * for longer than the recovery grace), the request fails cleanly (checkHeld) and a retry makes a new
 * attempt. A query for a CTE, answering the row's `status`: the checkout takes this lock in its first
 * statement, with its idempotency key (one round trip fewer inside its transaction, issue 14).
 */
export function holdPaymentSql(paymentIdParameter: string): string {
  return `SELECT status FROM payment WHERE id = ${paymentIdParameter} FOR NO KEY UPDATE`;
}

/** Step 2a's verdict on the status holdPaymentSql read (none: the row is gone). */
export function checkHeld(status: string | null | undefined): void {
  if (status !== 'pending') fail(null, 'The payment could not be processed; nothing was charged. Try again.', ErrorCode.PAYMENT_FAILED);
}

/**
 * Step 2b, in the checkout transaction once the total is known: authorizes without capturing and
 * books the row as `authorized` for `checkoutId`. Declines are userErrors that roll the checkout back.
 */
export async function authorizePayment(
  ctx: TxContext,
  payment: OpenPayment,
  { token, amount, checkoutId }: { token: string; amount: number; checkoutId: string },
  known: { authorization: AuthorizationState },
): Promise<void> {
  const authorized = await authorizeAtProvider(ctx, payment, { token, amount }, known);
  await preparedTxQuery(ctx.tx, bookAuthorizationSql({ id: '$1', checkoutId: '$2', reference: '$3', amount: '$4' }), [
    payment.id,
    checkoutId,
    authorized.reference,
    amount,
  ]);
}

/**
 * Step 2b's call to the provider alone, for a caller that books the authorization in a statement of its own
 * (bookAuthorizationSql as a CTE: one round trip fewer inside the purchase's transaction, issue 14); its
 * transaction must commit the booking or nothing, as authorizePayment's.
 */
export async function authorizeAtProvider(
  ctx: TxContext,
  payment: OpenPayment,
  { token, amount }: { token: string; amount: number },
  known: { authorization: AuthorizationState },
): Promise<{ reference: string }> {
  known.authorization = { state: 'unknown' };
  let result: Awaited<ReturnType<PaymentProvider['authorize']>>;
  try {
    result = await payment.provider.authorize({ token, amount, currency: ctx.config.currency, idempotencyKey: payment.providerKey });
  } catch (err) {
    if (err instanceof PaymentProviderUnavailable) {
      fail(null, 'The payment could not be processed; nothing was charged. Try again.', ErrorCode.PAYMENT_FAILED);
    }
    throw err;
  }
  if (!result.ok) {
    known.authorization = { state: 'refused' };
    fail(['input', 'payment'], result.message, ErrorCode[result.code]);
  }
  known.authorization = { state: 'authorized', reference: result.reference, amount };
  return { reference: result.reference };
}

/** Step 2b's booking of an authorization (authorizeAtProvider's) on the held row: a statement, or a CTE of the caller's. Values are SQL expressions. */
export function bookAuthorizationSql(v: { id: string; checkoutId: string; reference: string; amount: string }): string {
  return `UPDATE payment SET status = 'authorized', checkout_id = ${v.checkoutId}::uuid, provider_ref = ${v.reference}::text, amount = ${v.amount}::bigint, updated_at = now()
      WHERE id = ${v.id}::uuid`;
}

/** Captures a locked `authorized` row and books it; the caller's transaction commits the booking. */
async function captureLocked(ctx: PaymentHost & InTransaction, row: OpenRow): Promise<void> {
  const provider = providerOf(ctx, row.provider);
  if (!row.providerRef) throw new Error(`authorized payment ${row.id} has no provider reference`);
  await provider.capture(row.providerRef, row.amount, `${row.providerKey}_capture`);
  crashPoint(ctx.config, 'after-capture');
  await ctx.tx.query(`UPDATE payment SET status = 'captured', updated_at = now() WHERE id = $1`, [row.id]);
}

/** Voids whatever a locked `pending` row may have authorized, and books it as settled. */
async function voidLocked(ctx: PaymentHost & InTransaction, row: OpenRow, known: AuthorizationState): Promise<void> {
  const provider = providerOf(ctx, row.provider);
  let reference: string | null = null;
  if (known.state === 'authorized') reference = known.reference;
  else if (known.state === 'unknown') reference = (await provider.findAuthorization(row.providerKey))?.reference ?? null;
  if (reference) await provider.void(reference, `${row.providerKey}_void`);
  await ctx.tx.query(`UPDATE payment SET status = $2, provider_ref = coalesce(provider_ref, $3), updated_at = now() WHERE id = $1`, [
    row.id,
    reference ? 'voided' : 'failed',
    reference,
  ]);
}

function providerOf(ctx: PaymentHost, name: string): PaymentProvider {
  const provider = ctx.payments.get(name);
  if (!provider) throw new Error(`payment provider ${name} is not configured`);
  return provider;
}

/**
 * Locks one open row (skipping it when another transaction holds it) and settles it: captured when its
 * checkout committed (`authorized`), voided when not (`pending`). Returns what was done, or null.
 */
export async function settlePayment(ctx: PaymentHost, paymentId: string, known: AuthorizationState = { state: 'unknown' }) {
  return withTransaction(ctx, async (ctx) => {
    const [row]: OpenRow[] = await ctx.tx.query(
      `SELECT ${OPEN_COLUMNS} FROM payment WHERE id = $1 AND status IN ('pending', 'authorized') FOR NO KEY UPDATE SKIP LOCKED`,
      [paymentId],
    );
    if (!row) return null;
    if (row.status === 'authorized') {
      await captureLocked(ctx, row);
      return 'captured' as const;
    }
    await voidLocked(ctx, row, known);
    return 'voided' as const;
  });
}

/**
 * Step 3, after the checkout committed. No lock: a second capture under the same key (recovery, or a
 * cancellation that captures before refunding) changes nothing at the provider, and the booking only
 * moves an `authorized` row on. A provider failure here loses nothing: the row stays `authorized` and
 * the recovery sweep captures it later; the purchase stands either way.
 */
export async function capturePayment(ctx: PaymentHost, payment: OpenPayment, known: AuthorizationState): Promise<void> {
  try {
    if (known.state !== 'authorized') throw new Error('the checkout committed without an authorization in hand');
    await payment.provider.capture(known.reference, known.amount, `${payment.providerKey}_capture`);
    crashPoint(ctx.config, 'after-capture');
    await preparedQuery(ctx.db, `UPDATE payment SET status = 'captured', updated_at = now() WHERE id = $1 AND status = 'authorized'`, [payment.id]);
  } catch (err) {
    ctx.log.warn({ err, paymentId: payment.id }, 'capture after checkout failed; the recovery sweep retries it');
  }
}

/** Step 4, after the checkout transaction failed: voids the attempt's authorization, if it made one. */
export async function releasePayment(ctx: PaymentHost, payment: OpenPayment, known: AuthorizationState): Promise<void> {
  try {
    // Nothing to void (stock gone, a declined card, the key taken by a concurrent copy): one statement.
    if (known.state === 'not-asked' || known.state === 'refused') {
      await ctx.db.query(`UPDATE payment SET status = 'failed', updated_at = now() WHERE id = $1 AND status = 'pending'`, [payment.id]);
      return;
    }
    await settlePayment(ctx, payment.id, known);
  } catch (err) {
    ctx.log.warn({ err, paymentId: payment.id }, 'void after a failed checkout failed; the recovery sweep retries it');
  }
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
 * A payment still only authorized (its capture after commit has not happened yet) is captured first.
 */
export async function recordRefund(ctx: TxContext, checkoutId: string, amount: number): Promise<Refund | null> {
  const [payment]: OpenRow[] = await ctx.tx.query(
    `SELECT ${OPEN_COLUMNS} FROM payment WHERE checkout_id = $1 AND status IN ('authorized', 'captured', 'partially_refunded', 'refunded') FOR NO KEY UPDATE`,
    [checkoutId],
  );
  if (!payment?.providerRef) return null;
  if (payment.status === 'authorized') await captureLocked(ctx, payment);
  const refunded = Math.min(amount, payment.amount - payment.refundedAmount);
  await ctx.tx.query(
    `UPDATE payment SET refunded_amount = refunded_amount + $2, updated_at = now(),
            status = CASE WHEN refunded_amount + $2 = amount THEN 'refunded' ELSE 'partially_refunded' END
      WHERE id = $1`,
    [payment.id, refunded],
  );
  return { provider: payment.provider, reference: payment.providerRef, amount: refunded };
}

export interface IssuedRefund {
  /** The payment_refund row. */
  id: string;
  amount: number;
  providerRef: string;
}

/**
 * Refunds `amount` of the order's share of its checkout's payment through the provider, once per
 * idempotency key: the same key again answers the refund it made (the same order and amount, else
 * IDEMPOTENCY_KEY_REUSED) and moves no money. The payment row stays locked until the caller's commit,
 * so concurrent refunds queue and never take more than was captured minus what was refunded before.
 * The provider is asked last, under a key derived from the caller's, so a rollback after it and a retry
 * reach the provider as the same request. Caps per order or per line are the caller's rule.
 */
export async function refundPayment(
  ctx: TxContext,
  { checkoutId, orderId, amount, idempotencyKey }: { checkoutId: string; orderId: string; amount: number; idempotencyKey: string },
): Promise<IssuedRefund> {
  const { tx } = ctx;
  const [payment]: OpenRow[] = await tx.query(
    `SELECT ${OPEN_COLUMNS} FROM payment WHERE checkout_id = $1 AND status IN ('authorized', 'captured', 'partially_refunded', 'refunded') FOR NO KEY UPDATE`,
    [checkoutId],
  );
  if (!payment?.providerRef) fail(null, 'The order has no payment to refund.', ErrorCode.INVALID_STATE);
  const [earlier]: { id: string; orderId: string; amount: number; providerRef: string }[] = await tx.query(
    `SELECT id, order_id AS "orderId", amount, provider_ref AS "providerRef" FROM payment_refund WHERE idempotency_key = $1`,
    [idempotencyKey],
  );
  if (earlier) {
    if (earlier.orderId !== orderId || earlier.amount !== amount) {
      fail(['input', 'idempotencyKey'], 'This idempotency key was used for another refund.', ErrorCode.IDEMPOTENCY_KEY_REUSED);
    }
    return { id: earlier.id, amount: earlier.amount, providerRef: earlier.providerRef };
  }
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error(`refund amount must be positive, got ${amount}`);
  if (amount > payment.amount - payment.refundedAmount) {
    fail(['input', 'amount'], 'The refund is more than what is left of the payment.', ErrorCode.REFUND_EXCEEDS_PAID);
  }
  if (payment.status === 'authorized') await captureLocked(ctx, payment);
  await tx.query(
    `UPDATE payment SET refunded_amount = refunded_amount + $2, updated_at = now(),
            status = CASE WHEN refunded_amount + $2 = amount THEN 'refunded' ELSE 'partially_refunded' END
      WHERE id = $1`,
    [payment.id, amount],
  );
  const providerKey = `refund_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`;
  const providerRef = await providerOf(ctx, payment.provider).refund(payment.providerRef, amount, providerKey);
  const [row]: { id: string }[] = await tx.query(
    `INSERT INTO payment_refund (payment_id, order_id, idempotency_key, amount, provider_ref) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [payment.id, orderId, idempotencyKey, amount, providerRef],
  );
  return { id: row!.id, amount, providerRef };
}
