import {
  ErrorCode,
  Money,
  Validator,
  fail,
  idOf,
  requireCustomer,
  type Listing,
} from 'zoco/plugin';
import { loyaltyPlugin, type Context } from './loyalty.config';
import { LoyaltyAccount } from './loyalty.entity';
import { post } from './loyalty.ledger';
import { configBySeller } from './loyalty.loaders';
import { creditFor, pointsFor, redemptionStep } from './loyalty.rates';
import type { LoyaltyRedeemInput } from './loyalty.inputs';
import { toBalance } from './loyalty.rows';
import type { LoyaltyBalance } from './loyalty.type';

/**
 * A customer's balances with the sellers that run the plugin now (an uninstalled seller's kept rows stay
 * hidden until it reinstalls). Only the customer and the operator see them: the rows of every seller
 * are read at once, so a seller must never get here.
 */
export async function customerBalances(ctx: Context, customerUuid: string): Promise<LoyaltyBalance[]> {
  const { viewer } = ctx;
  const allowed = viewer.kind === 'admin' || (viewer.kind === 'customer' && viewer.customerId === customerUuid);
  if (!allowed) return [];
  const accounts = await ctx.plugin.findAcrossSellers(LoyaltyAccount, { customerId: customerUuid }, { createdAt: 'ASC' });
  const installed = await loyaltyPlugin(ctx).installedBy(ctx, accounts.map((a) => a.sellerId));
  return accounts.flatMap((a) => {
    const config = installed.get(a.sellerId);
    return config ? [toBalance(a, config)] : [];
  });
}

/** Points for one unit at the listing's price, with its seller's config; null where the seller has no programme. */
export async function listingPoints(ctx: Context, listing: Listing): Promise<number | null> {
  const config = await configBySeller(ctx).load(listing.sellerUuid);
  return config ? pointsFor(listing.price.amount, listing.price.currency, config.pointsPerEuro) : null;
}

/**
 * Turns points into credit with one seller, recorded as a `redeem` entry: the plugin's checkout adjuster
 * takes it off the customer's next order with that seller as a discount (loyalty.checkout.ts).
 */
export async function redeem(ctx: Context, input: LoyaltyRedeemInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  v.int('points', input.points, { min: 1, max: 1_000_000_000 });
  v.text('idempotencyKey', input.idempotencyKey, { required: false, max: 200 });
  v.done();
  const sellerUuid = idOf(input.sellerId, 'Seller');
  if (!sellerUuid) fail('sellerId', 'sellerId is not a valid Seller ID.', ErrorCode.INVALID_ID);
  const plugin = loyaltyPlugin(ctx);
  if (!(await plugin.installedBy(ctx, [sellerUuid])).has(sellerUuid)) {
    fail('sellerId', 'This seller has no loyalty programme.', ErrorCode.FORBIDDEN);
  }
  const scope = await plugin.scope(ctx, sellerUuid);
  const rate = scope.config.pointsPerEuroCredit;
  const posting = { customerId, kind: 'redeem', currency: ctx.currency, idempotencyKey: input.idempotencyKey ?? null } as const;
  const posted = await post(scope, posting, async (_tx, account) => {
    const balance = account?.balance ?? 0;
    if (!account || balance < input.points) {
      fail('points', `You have ${balance} points with this seller; you asked to redeem ${input.points}.`, ErrorCode.INSUFFICIENT_FUNDS);
    }
    const step = redemptionStep(account.currency, rate);
    if (input.points % step !== 0) {
      fail('points', `Points are redeemed in multiples of ${step} here, so no fraction of a cent is lost.`, ErrorCode.INVALID);
    }
    return { points: -input.points, credit: creditFor(input.points, account.currency, rate) };
  });
  const { entry, account } = posted!;
  if (entry.kind !== 'redeem' || entry.points !== -input.points) {
    fail('idempotencyKey', 'This idempotency key was used for a different redemption; use a new key.', ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }
  return { balance: toBalance(account, scope.config), credit: new Money(entry.credit, account.currency) };
}
