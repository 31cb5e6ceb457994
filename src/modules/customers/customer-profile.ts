import type { Context } from '../../core/context';

/** The language the customer chose (its profile's `locale`): what `ctx.locale()` answers in. */
export async function customerLocale(ctx: Context, customerId: string): Promise<string | null> {
  const rows: { locale: string }[] = await (ctx.tx ?? ctx.db).query('SELECT locale FROM customer WHERE id = $1', [customerId]);
  return rows[0]?.locale ?? null;
}

/** The business buyer's VAT number (normalised), or null for a consumer: what decides a reverse charge at checkout. */
export async function customerVatNumber(ctx: Context, customerId: string): Promise<string | null> {
  // Checkout asks inside its transaction: a second pool connection per checkout could exhaust the pool.
  const rows: { vatNumber: string | null }[] = await (ctx.tx ?? ctx.db).query('SELECT vat_number AS "vatNumber" FROM customer WHERE id = $1', [customerId]);
  return rows[0]?.vatNumber ?? null;
}
