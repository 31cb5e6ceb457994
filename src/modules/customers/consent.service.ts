import type { Context, TxContext } from '../../core/context';
import { requireCustomer } from '../../auth/guards';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';
import { CustomerConsentEntity } from './profile.entity';
import { ConsentKind, type Consent } from './profile.type';
import { toConsent } from './profile.rows';
import type { CustomerConsentsUpdateInput } from './profile.inputs';

/**
 * SQL: whether the customer `customerId` (a column or parameter) lets sellers see their email and phone
 * (`share_profile_with_sellers`, GDPR art. 6(1)(a)). The one statement of that rule: the orders a
 * seller reads and a plugin's `scope.customer()` both ask it.
 */
export function sharesProfileWithSellers(customerId: string): string {
  return `EXISTS (SELECT 1 FROM customer_consent share_cc
                   WHERE share_cc.customer_id = ${customerId} AND share_cc.kind = 'share_profile_with_sellers' AND share_cc.granted)`;
}

/** Every kind, not given until the customer says so (GDPR art. 7: consent is opt-in). */
export async function listConsents(ctx: Context, customerId: string): Promise<Consent[]> {
  const rows = await ctx.db.getRepository(CustomerConsentEntity).findBy({ customerId });
  const byKind = new Map(rows.map((r) => [r.kind, toConsent(r)]));
  return Object.values(ConsentKind).map(
    (kind) => byKind.get(kind) ?? { kind, granted: false, source: 'default', updatedAt: new Date(0) },
  );
}

export async function updateConsents(ctx: Context, input: CustomerConsentsUpdateInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  v.text('source', input.source, { max: 60 });
  const kinds = input.consents.map((c) => c.kind);
  v.check(new Set(kinds).size === kinds.length, 'consents', 'Each consent kind at most once.');
  v.done();
  await withTransaction(ctx, async (ctx) => {
    // The rows are locked, so the change event names exactly the consents whose value moved; modules
    // that hold data under a consent (personalization) act on it in this transaction.
    const before: { kind: string; granted: boolean }[] = await ctx.tx.query(
      'SELECT kind, granted FROM customer_consent WHERE customer_id = $1 FOR NO KEY UPDATE',
      [customerId],
    );
    const was = new Map(before.map((r) => [r.kind, r.granted]));
    const now = new Date();
    await ctx.tx.getRepository(CustomerConsentEntity).upsert(
      input.consents.map((c) => ({ customerId, kind: c.kind, granted: c.granted, source: input.source, updatedAt: now })),
      ['customerId', 'kind'],
    );
    for (const c of input.consents) {
      if ((was.get(c.kind) ?? false) !== c.granted) await emit(ctx, 'customer.consent_changed', { customerId, kind: c.kind, granted: c.granted });
    }
  });
  return { consents: await listConsents(ctx, customerId) };
}

/** Consents ticked on the sign-up form, given in the sign-in's transaction (before anything that reads them). */
export async function giveSignUpConsents(ctx: TxContext, customerId: string, kinds: readonly ConsentKind[]): Promise<void> {
  for (const kind of new Set(kinds)) {
    await ctx.tx.query(
      `INSERT INTO customer_consent (customer_id, kind, granted, source) VALUES ($1, $2, true, 'sign-up')
       ON CONFLICT (customer_id, kind) DO NOTHING`,
      [customerId, kind],
    );
    await emit(ctx, 'customer.consent_changed', { customerId, kind, granted: true });
  }
}

/** SQL: whether the customer `customerId` (a column or parameter) has given the personalization consent. */
export function personalizationConsented(customerId: string): string {
  return `EXISTS (SELECT 1 FROM customer_consent pers_cc
                   WHERE pers_cc.customer_id = ${customerId} AND pers_cc.kind = 'personalization' AND pers_cc.granted)`;
}
