import type { DataSource } from 'typeorm';
import type { SellerComplaintMetrics } from './complaint.type';

interface MetricsRow {
  sellerId: string;
  orders: number;
  complaints: number;
  medianSeconds: number | null;
  escalated: number;
  inFavour: number;
  closed: number;
}

/**
 * Each seller's record in complaints (issue 11), for the seller, the operator and the buy box's seller
 * rating (CONTRACTS E): complaints per order, the median time to the seller's first answer, the share
 * escalated to the operator, and the share of closed complaints resolved for the customer. One statement
 * for any number of sellers; keys keep their order.
 */
export async function sellerComplaintMetrics(db: Pick<DataSource, 'query'>, sellerIds: readonly string[]): Promise<SellerComplaintMetrics[]> {
  const rows: MetricsRow[] = await db.query(
    `SELECT s.id AS "sellerId",
            (SELECT count(*) FROM orders o WHERE o.seller_id = s.id AND o.state <> 'cancelled' AND o.replaces_order_id IS NULL)::int AS orders,
            count(c.id)::int AS complaints,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.first_response_at - c.opened_at)) AS "medianSeconds",
            count(c.escalated_at)::int AS escalated,
            (count(*) FILTER (WHERE c.state = 'resolved'))::int AS "inFavour",
            (count(*) FILTER (WHERE c.state IN ('resolved', 'rejected')))::int AS closed
       FROM unnest($1::uuid[]) AS s(id) LEFT JOIN complaint c ON c.seller_id = s.id
      GROUP BY s.id`,
    [sellerIds],
  );
  return sellerIds.map((id) => {
    const r = rows.find((row) => row.sellerId === id);
    const orders = r?.orders ?? 0;
    const complaints = r?.complaints ?? 0;
    return {
      orders,
      complaints,
      complaintRate: orders ? complaints / orders : 0,
      medianFirstResponseSeconds: r?.medianSeconds == null ? null : Math.round(Number(r.medianSeconds)),
      escalatedShare: complaints ? r!.escalated / complaints : null,
      customerFavourShare: r?.closed ? r.inFavour / r.closed : null,
    };
  });
}
