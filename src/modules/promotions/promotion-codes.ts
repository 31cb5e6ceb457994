import { randomInt } from 'node:crypto';
import type { Context } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { cartAdjustableGroups, lockCart, MAX_CART_CODES, requireShopper, saveCartCodes } from '../carts';
import { choosePromotions } from './promotion-engine';
import { evaluatePromotions, normalizeCode } from './promotion-adjuster';
import { ownPromotion } from './promotion.service';
import { toPromotion } from './promotion.rows';
import type { CartCodeInput, PromotionCodesGenerateInput } from './promotion.inputs';

const CODE = /^[A-Za-z0-9_-]{1,40}$/;
// No 0/O, 1/I/L: codes are read off screens and paper.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const RANDOM_PART = 10;
const MAX_PER_CALL = 1000;
const MAX_PER_PROMOTION = 10_000;

/** Single-use codes for a UNIQUE_CODES promotion: random, so one can't be guessed from another. */
export async function generateCodes(ctx: Context, input: PromotionCodesGenerateInput) {
  const v = new Validator();
  v.int('count', input.count, { min: 1, max: MAX_PER_CALL });
  v.check(input.prefix == null || /^[A-Za-z0-9]{1,10}$/.test(input.prefix), 'prefix', 'prefix must be 1 to 10 letters or digits.');
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const row = await ownPromotion(ctx, input.id);
    if (row.trigger !== 'UNIQUE_CODES') fail(['input', 'id'], 'Only a UNIQUE_CODES promotion has generated codes.', ErrorCode.INVALID_STATE);
    if (row.status === 'archived') fail(['input', 'id'], 'This promotion is archived.', ErrorCode.INVALID_STATE);
    const [{ n }] = await ctx.tx.query('SELECT count(*)::int AS n FROM promotion_code WHERE promotion_id = $1', [row.id]);
    if (n + input.count > MAX_PER_PROMOTION) fail(['input', 'count'], `A promotion holds at most ${MAX_PER_PROMOTION} codes; it has ${n}.`, ErrorCode.LIMIT_EXCEEDED);
    const prefix = input.prefix ? `${input.prefix.toUpperCase()}-` : '';
    const codes = Array.from({ length: input.count }, () => prefix + Array.from({ length: RANDOM_PART }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''));
    // 31^10 ≈ 8·10^14 codes: a collision is astronomically rare, and one is skipped rather than failing the call.
    const inserted: { code: string }[] = await ctx.tx.query(
      'INSERT INTO promotion_code (code, promotion_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING RETURNING code',
      [codes, row.id],
    );
    return { promotion: toPromotion(row), codes: inserted.map((r) => r.code) };
  });
}

function checkCode(input: CartCodeInput): string {
  const v = new Validator();
  v.check(input.code.length <= 40 && CODE.test(input.code.trim()), 'code', 'A code is 1 to 40 letters, digits, - or _.');
  v.done();
  return normalizeCode(input.code);
}

/** The seller whose promotion a code belongs to (a live shared code, or a generated one), or null. */
async function sellerOfCode(ctx: Context, code: string): Promise<string | null> {
  const [row] = await ctx.tx!.query(
    `SELECT seller_id AS "sellerId" FROM promotion WHERE upper(code) = $1 AND status <> 'archived'
     UNION ALL
     SELECT p.seller_id FROM promotion_code pc JOIN promotion p ON p.id = pc.promotion_id WHERE pc.code = $1 AND p.status <> 'archived'
     LIMIT 1`,
    [code],
  );
  return row?.sellerId ?? null;
}

/**
 * cartCodeApply: keeps the code on the cart when it gives a discount now; otherwise a userError on
 * ['input', 'code'] says why (PROMOTION_CODE_UNKNOWN, _EXPIRED, _NOT_STARTED, _INACTIVE, _NOT_FOR_SELLER,
 * _BELOW_MINIMUM, _LIMIT_REACHED, _BUDGET_EXHAUSTED, _NOT_ELIGIBLE). A code that stops applying later (a
 * line removed) stays on the cart with a warning; checkout re-checks everything in its transaction.
 */
export async function applyCartCode(ctx: Context, input: CartCodeInput) {
  requireShopper(ctx.viewer);
  const code = checkCode(input);
  const field = ['input', 'code'];
  const cart = await withTransaction(ctx, async (ctx) => {
    const cart = await lockCart(ctx, input.cartId, ['input', 'cartId']);
    if (cart.codes.includes(code)) return cart;
    if (cart.codes.length >= MAX_CART_CODES) fail(field, `A cart holds at most ${MAX_CART_CODES} codes.`, ErrorCode.LIMIT_EXCEEDED);
    const sellerId = await sellerOfCode(ctx, code);
    if (!sellerId) fail(field, 'This code does not exist.', ErrorCode.PROMOTION_CODE_UNKNOWN);
    const group = (await cartAdjustableGroups(ctx, cart)).find((g) => g.sellerId === sellerId);
    if (!group) fail(field, "This code is for a seller whose items aren't in your cart.", ErrorCode.PROMOTION_NOT_FOR_SELLER);
    const { eligible, rejected } = await evaluatePromotions(ctx, group, [code]);
    const mine = eligible.find((c) => c.code === code);
    if (!mine) {
      const why = rejected.find((r) => r.candidate.code === code);
      fail(field, why?.message ?? 'This code does not apply to your cart.', why?.reason ?? ErrorCode.PROMOTION_NOT_FOR_SELLER);
    }
    if (!choosePromotions([mine], group).applied.length) fail(field, 'This code gives no discount on your cart.', ErrorCode.PROMOTION_NOT_FOR_SELLER);
    return saveCartCodes(ctx, cart, [...cart.codes, code]);
  });
  return { cart };
}

/** cartCodeRemove: a code not on the cart is NOT_FOUND on ['input', 'code']. */
export async function removeCartCode(ctx: Context, input: CartCodeInput) {
  requireShopper(ctx.viewer);
  const code = checkCode(input);
  const cart = await withTransaction(ctx, async (ctx) => {
    const cart = await lockCart(ctx, input.cartId, ['input', 'cartId']);
    if (!cart.codes.includes(code)) fail(['input', 'code'], 'This code is not on the cart.', ErrorCode.NOT_FOUND);
    return saveCartCodes(ctx, cart, cart.codes.filter((c) => c !== code));
  });
  return { cart };
}
