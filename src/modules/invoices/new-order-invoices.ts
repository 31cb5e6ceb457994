import { randomUUID } from 'node:crypto';
import type { AddressData } from '../../core/address';
import type { TxContext } from '../../core/context';
import { recordEventsSql, runListeners, takeHeldEvents } from '../../events/outbox';
import { invoiceDocument, toOrderToInvoice, type IssuedInvoice, type OrderLineRow, type OrderRow } from './invoice-issuing';
import { INVOICE_TIME_ZONE, counterUpsertSql, invoiceNumberSql, invoicePrefix } from './invoice-numbering';
import type { TaxableAdjustment } from './order-tax';
import { preparedTxQuery } from '../../db/prepared-query';

/** One seller's invoice party with the buyer's: the columns of PARTY_COLUMNS. */
export type InvoiceParty = Omit<OrderRow, 'id' | 'sellerId' | 'customerId' | 'state' | 'currency' | 'subtotal' | 'shipping' | 'total' | 'shippingAddress'>;

/** A checkout's invoice parties by seller id. */
export type InvoiceParties = ReadonlyMap<string, InvoiceParty>;

/**
 * A purchase's invoice parties from rows that carry PARTY_COLUMNS (`s` the seller, `c` the customer) and the
 * seller's id, any other columns ignored: checkout reads them with its listings, in the same statement, before
 * it takes any lock (invoices never lock the seller's or the customer's row), and decides reverse charge from the same
 * customer VAT number its invoices print.
 */
export function invoicePartiesOf(rows: readonly (InvoiceParty & { sellerId: string })[]): InvoiceParties {
  return new Map(
    rows.map((r) => [
      r.sellerId,
      {
        sellerSlug: r.sellerSlug,
        invoicePrefix: r.invoicePrefix,
        legalName: r.legalName,
        taxId: r.taxId,
        sellerAddress: r.sellerAddress,
        customerName: r.customerName,
        customerEmail: r.customerEmail,
        customerVatNumber: r.customerVatNumber,
        customerLocale: r.customerLocale,
      },
    ]),
  );
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
 * documents invoiceDocument makes of the stored rows (test/modules/invoices/new-order-invoices.test.ts
 * compares them), numbered and stored in one statement, with their `invoice.issued` events. The sellers'
 * counter rows are locked in seller id order, as every checkout takes them, so two checkouts never deadlock
 * on them; one issue date for all, read with the numbers so that the date and the numbers' year agree.
 * Their `invoice.issued` events are written by the same statement, after the events the caller's
 * batchEvents holds (takeHeldEvents): the counters stay locked until commit, so nothing else is sent
 * between this statement and the commit. Before, checkout issued them one by one: 7 statements per order,
 * the first seller's counter row locked through all of them (issue 3: "slow sql" on the counter, 1–3 s
 * under 20 buyers); then 3 statements (numbers, invoices, events) and the events of the checkout.
 */
export async function issueNewOrderInvoices(ctx: TxContext, parties: InvoiceParties, orders: readonly NewOrder[]): Promise<IssuedInvoice[]> {
  if (!orders.length) return [];
  const invoiced = orders.map((o) => {
    const order = toOrderToInvoice({ ...parties.get(o.sellerId)!, ...o, state: 'paid' });
    return { id: randomUUID(), order, doc: invoiceDocument(order, o.lines, o.adjustments) };
  });
  const column = <T>(f: (x: (typeof invoiced)[number]) => T) => invoiced.map(f);
  const held = takeHeldEvents(ctx);
  const rows: (IssuedInvoice & { orderId: string; sellerId: string })[] = await preparedTxQuery(
    ctx.tx,
    `WITH clock AS (SELECT clock_timestamp() AS at),
     numbered AS (${counterUpsertSql('unnest($3::uuid[]) AS s(id)', "'F'", '$1')}
       RETURNING seller_id, year, last_number),
     issued AS (
     INSERT INTO invoice (id, seller_id, order_id, customer_id, kind, series, year, sequence, number, issued_at,
                          issuer, buyer, lines, currency, net, tax, gross, reverse_charge)
     SELECT x.id, x.seller_id, x.order_id, x.customer_id, x.kind, 'F', n.year, n.last_number,
            ${invoiceNumberSql('x.prefix', 'n.year', 'n.last_number')}, clock.at,
            x.issuer, x.buyer, x.lines, x.currency, x.net, x.tax, x.gross, x.reverse_charge
       FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[],
                   $8::jsonb[], $9::jsonb[], $10::jsonb[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[], $15::boolean[])
            AS x(id, seller_id, order_id, customer_id, kind, prefix, issuer, buyer, lines, currency, net, tax, gross, reverse_charge)
       JOIN numbered n ON n.seller_id = x.seller_id, clock
     RETURNING id, order_id, seller_id, number),
     events AS (${recordEventsSql(
       '$16',
       '$17',
       `SELECT 'invoice.issued' AS type, jsonb_build_object('invoiceId', i.id, 'orderId', i.order_id, 'sellerId', i.seller_id, 'number', i.number) AS payload, x.n
          FROM issued i JOIN unnest($2::uuid[]) WITH ORDINALITY AS x(id, n) ON x.id = i.id`,
     )})
     SELECT id, order_id AS "orderId", seller_id AS "sellerId", number FROM issued`,
    [
      INVOICE_TIME_ZONE,
      column((x) => x.id),
      column((x) => x.order.sellerId),
      column((x) => x.order.id),
      column((x) => x.order.customerId),
      column((x) => x.doc.kind),
      column((x) => invoicePrefix({ slug: x.order.sellerSlug, invoicePrefix: x.order.invoicePrefix })),
      column((x) => JSON.stringify(x.order.issuer)),
      column((x) => JSON.stringify(x.doc.buyer)),
      column((x) => JSON.stringify(x.doc.lines)),
      column((x) => x.doc.currency),
      column((x) => x.doc.net),
      column((x) => x.doc.tax),
      column((x) => x.doc.gross),
      column((x) => x.doc.reverseCharge),
      held.types,
      held.payloads,
    ],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const issued = invoiced.map((x) => byId.get(x.id)!);
  ctx.emitted.count += issued.length;
  await runListeners(
    ctx,
    issued.map((r) => ({ type: 'invoice.issued' as const, payload: { invoiceId: r.id, orderId: r.orderId, sellerId: r.sellerId, number: r.number } })),
  );
  return issued.map(({ id, number }) => ({ id, number }));
}
