import type { Context } from '../../core/context';

/** The language the customer chose (its profile's `locale`): what `ctx.locale()` answers in. */
export async function customerLocale(ctx: Context, customerId: string): Promise<string | null> {
  const rows: { locale: string }[] = await (ctx.tx ?? ctx.db).query('SELECT locale FROM customer WHERE id = $1', [customerId]);
  return rows[0]?.locale ?? null;
}
