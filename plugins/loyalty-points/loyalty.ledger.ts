import type { PluginScope } from 'zoco/plugin';
import type { LoyaltyConfig } from './loyalty.config';
import { LoyaltyAccount, LoyaltyEntry, type LoyaltyEntryKind } from './loyalty.entity';

type Scope = PluginScope<LoyaltyConfig>;

/** What a posting is about; its eventId or idempotencyKey makes a second posting find the first. */
export interface Posting {
  customerId: string;
  kind: LoyaltyEntryKind;
  /** The account's currency when the posting opens it. */
  currency: string;
  orderId?: string | null;
  eventId?: number | null;
  idempotencyKey?: string | null;
}

export interface Change {
  /** Signed change of the balance. */
  points: number;
  shortfall?: number;
  credit?: number;
}

export interface Posted {
  entry: LoyaltyEntry;
  account: LoyaltyAccount;
  /** The entry was there already: this is a replay. */
  replayed: boolean;
}

/** Decides the change from fresh reads in the posting's transaction; null posts nothing. May throw UserErrors. */
export type Decide = (tx: Scope, account: LoyaltyAccount | null) => Promise<Change | null>;

const MAX_ATTEMPTS = 10;

async function previous(tx: Scope, p: Posting): Promise<LoyaltyEntry | null> {
  if (p.eventId != null) return tx.table(LoyaltyEntry).findOne({ eventId: p.eventId });
  if (p.idempotencyKey != null) return tx.table(LoyaltyEntry).findOne({ customerId: p.customerId, idempotencyKey: p.idempotencyKey });
  return null;
}

/**
 * Posts one ledger entry and moves the account with it, in one transaction. The scope offers no row
 * locks, so the account is written with a compare-and-set on `version`: when another posting got there
 * first, everything is read again and decided again (under READ COMMITTED each statement sees the latest
 * commits). Every posting bumps the version, even a zero one, so an earn and a reverse of the same order
 * running at once are serialised on the account row. Two first postings racing to open the same account
 * make one fail on the primary key; the host retries its handler, which then finds the account.
 */
export function post(scope: Scope, posting: Posting, decide: Decide): Promise<Posted | null> {
  return scope.transaction(async (tx) => {
    const accounts = tx.table(LoyaltyAccount);
    const { customerId } = posting;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The account first: a posting commits its entry with the account's new version, so if this read
      // already sees a racing posting, the entry read after it does too; if not, the CAS below fails.
      const account = await accounts.findOne({ customerId });
      const done = await previous(tx, posting);
      if (done && account) return { entry: done, account, replayed: true };
      const change = await decide(tx, account);
      if (!change) return null;
      const next = {
        balance: (account?.balance ?? 0) + change.points,
        credit: (account?.credit ?? 0) + (change.credit ?? 0),
        version: (account?.version ?? 0) + 1,
        updatedAt: new Date(),
      };
      if (next.balance < 0) throw new Error(`loyalty-points: posting would make the balance ${next.balance}`);
      let saved: LoyaltyAccount;
      if (account) {
        if (!(await accounts.update({ customerId, version: account.version }, next))) continue;
        saved = { ...account, ...next };
      } else {
        saved = await accounts.insert({ customerId, currency: posting.currency, ...next });
      }
      const entry = await tx.table(LoyaltyEntry).insert({
        customerId,
        kind: posting.kind,
        orderId: posting.orderId ?? null,
        eventId: posting.eventId ?? null,
        idempotencyKey: posting.idempotencyKey ?? null,
        points: change.points,
        shortfall: change.shortfall ?? 0,
        credit: change.credit ?? 0,
      });
      return { entry, account: saved, replayed: false };
    }
    throw new Error(`loyalty-points: the account of customer ${customerId} kept changing; will retry`);
  });
}

/** Points earned by an order and not yet taken back (or written off as shortfall). */
export async function pointsOfOrder(tx: Scope, customerId: string, orderId: string): Promise<number> {
  const entries = await tx.table(LoyaltyEntry).find({ customerId, orderId });
  return entries.reduce((sum, e) => sum + (e.kind === 'earn' ? e.points : e.kind === 'reverse' ? e.points - e.shortfall : 0), 0);
}
