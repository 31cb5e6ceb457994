import { randomUUID } from 'node:crypto';
import type { AddressData } from '../../core/address';
import type { TxContext } from '../../core/context';
import { emitAll } from '../../events/outbox';
import { PARTY_COLUMNS, invoiceDocument, toOrderToInvoice, type IssuedInvoice, type OrderLineRow, type OrderRow } from './invoice-issuing';
import { nextInvoiceNumbers } from './invoice-numbering';
import type { TaxableAdjustment } from './order-tax';

/** A checkout's invoice parties (PARTY_COLUMNS): the customer's columns repeated on each seller's row. */
export type InvoiceParties = ReadonlyMap<string, Omit<OrderRow, 'id' | 'sellerId' | 'customerId' | 'state' | 'currency' | 'subtotal' | 'shipping' | 'total' | 'shippingAddress'>>;

/**
 * The parties of the invoices of a purchase from `sellerIds`, read in one statement. Checkout reads them
 * before it takes any lock (the rows are not locked by issueInvoice either), and decides reverse charge
 * from the same customer VAT number its invoices print.
 */
export async function invoiceParties({ tx }: TxContext, customerId: string, sellerIds: readonly string[]): Promise<InvoiceParties> {
  const rows: (OrderRow & { partySellerId: string })[] = await tx.query(
    `SELECT s.id AS "partySellerId", ${PARTY_COLUMNS} FROM seller s JOIN customer c ON c.id = $2 WHERE s.id = ANY($1::uuid[])`,
    [sellerIds, customerId],
  );
  return new Map(rows.map(({ partySellerId, ...party }) => [partySellerId, party]));
}

/** An order its checkout has just written, with what its invoice needs, so that nothing is read back. */
export interface NewOrder {
  id: string;
  sellerId: string;
  customerId: string;
  currency: string;
  subtotal: number;
  shipping: number;
  total: number;
  shippingAddress: AddressData;
  /** In position order, as order_line stores them. */
  lines: OrderLineRow[];
  /** In the order applied, as order_adjustment stores them (a surcharge's tax class defaulted to standard). */
  adjustments: TaxableAdjustment[];
}

/**
 * Issues the invoices of orders written earlier in the caller's transaction, one per order and seller: the
 * documents issueInvoice would make from the stored rows (test/modules/invoices/new-order-invoices.test.ts
 * compares them), numbered in one statement and stored in a second, with their `invoice.issued` events in a
 * third. Before, checkout issued them one by one: 7 statements per order, the first seller's counter row
 * locked through all of them (issue 3: "slow sql" on the counter, 1–3 s under 20 buyers).
 */
export async function issueNewOrderInvoices(ctx: TxContext, parties: InvoiceParties, orders: readonly NewOrder[]): Promise<IssuedInvoice[]> {
  if (!orders.length) return [];
  const invoiced = orders.map((o) => {
    const order = toOrderToInvoice({ ...parties.get(o.sellerId)!, ...o, state: 'paid' });
    return { id: randomUUID(), order, doc: invoiceDocument(order, o.lines, o.adjustments) };
  });
  const numbers = await nextInvoiceNumbers(
    ctx,
    invoiced.map(({ order }) => ({ id: order.sellerId, slug: order.sellerSlug, invoicePrefix: order.invoicePrefix })),
    'F',
  );
  const column = <T>(f: (x: (typeof invoiced)[number], i: number) => T) => invoiced.map(f);
  await ctx.tx.query(
    `INSERT INTO invoice (id, seller_id, order_id, customer_id, kind, series, year, sequence, number, issued_at,
                          issuer, buyer, lines, currency, net, tax, gross, reverse_charge)
     SELECT x.id, x.seller_id, x.order_id, x.customer_id, x.kind, x.series, x.year, x.sequence, x.number, x.issued_at,
            x.issuer, x.buyer, x.lines, x.currency, x.net, x.tax, x.gross, x.reverse_charge
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::int[], $8::int[], $9::text[], $10::timestamptz[],
                   $11::jsonb[], $12::jsonb[], $13::jsonb[], $14::text[], $15::bigint[], $16::bigint[], $17::bigint[], $18::boolean[])
            AS x(id, seller_id, order_id, customer_id, kind, series, year, sequence, number, issued_at,
                 issuer, buyer, lines, currency, net, tax, gross, reverse_charge)`,
    [
      column((x) => x.id),
      column((x) => x.order.sellerId),
      column((x) => x.order.id),
      column((x) => x.order.customerId),
      column((x) => x.doc.kind),
      column((_, i) => numbers[i]!.series),
      column((_, i) => numbers[i]!.year),
      column((_, i) => numbers[i]!.sequence),
      column((_, i) => numbers[i]!.number),
      column((_, i) => numbers[i]!.issuedAt),
      column((x) => JSON.stringify(x.order.issuer)),
      column((x) => JSON.stringify(x.doc.buyer)),
      column((x) => JSON.stringify(x.doc.lines)),
      column((x) => x.doc.currency),
      column((x) => x.doc.net),
      column((x) => x.doc.tax),
      column((x) => x.doc.gross),
      column((x) => x.doc.reverseCharge),
    ],
  );
  await emitAll(
    ctx,
    invoiced.map((x, i) => ({
      type: 'invoice.issued' as const,
      payload: { invoiceId: x.id, orderId: x.order.id, sellerId: x.order.sellerId, number: numbers[i]!.number },
    })),
  );
  return invoiced.map((x, i) => ({ id: x.id, number: numbers[i]!.number }));
}
