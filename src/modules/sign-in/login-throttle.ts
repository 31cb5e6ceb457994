import { addressKey, attemptSucceeded, hasFailedLately, throttledAttempt, type ThrottleRule } from '../../auth/throttle';
import type { Context } from '../../core/context';

/**
 * Password guessing (issue 9), counted per account and address pair, per address and per account:
 * - a pair gets 5 tries, then waits 1 s, 2 s, 4 s … up to 15 minutes;
 * - an address gets 30 tries over all accounts (password spraying), then the same, up to 15 minutes;
 * - an account gets 10 tries over all addresses, then waits at most 30 s, and only addresses that have
 *   already failed for it wait: the owner at a fresh address signs in at once, so a distributed attack
 *   can slow an account down but never lock its owner out.
 */
export interface LoginThrottle {
  /** Takes back this attempt's count: the password was right. */
  succeeded(): Promise<void>;
}

export async function loginAttempt(ctx: Context, account: string): Promise<LoginThrottle> {
  const address = addressKey(ctx.clientAddress ?? 'unknown');
  const acct = account.trim().toLowerCase().slice(0, 254);
  const pair = `login:pair:${acct}|${address}`;
  const rules: ThrottleRule[] = [
    { key: pair, threshold: 5, maxDelaySeconds: 900 },
    { key: `login:addr:${address}`, threshold: 30, maxDelaySeconds: 900 },
  ];
  if (await hasFailedLately(ctx.db, pair)) rules.push({ key: `login:acct:${acct}`, threshold: 10, maxDelaySeconds: 30 });
  await throttledAttempt(ctx.db, rules);
  return {
    succeeded: () => attemptSucceeded(ctx.db, { clear: [pair, `login:acct:${acct}`], uncount: [`login:addr:${address}`] }),
  };
}
