import type { PrivacyHook } from '../../core/context';

/**
 * Invoices are kept unchanged by an erasure because tax law requires them (Ley General Tributaria art. 29,
 * RD 1619/2012 art. 19: kept for the limitation period; GDPR art. 17(3)(b)). Their stored PDFs are only
 * renderings of them: erased, and rendered again from the kept invoice if anyone asks.
 */
export const invoicePrivacy: PrivacyHook = {
  async export(ctx, customerId) {
    return ctx.db.query(
      `SELECT number, kind, issued_at AS "issuedAt", currency, net, tax, gross FROM invoice WHERE customer_id = $1 ORDER BY issued_at`,
      [customerId],
    );
  },
  async erase(ctx, customerId) {
    await ctx.tx.query('DELETE FROM invoice_pdf p USING invoice i WHERE i.id = p.invoice_id AND i.customer_id = $1', [customerId]);
  },
};
