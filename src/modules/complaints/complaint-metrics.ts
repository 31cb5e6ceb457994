import type { DataSource } from 'typeorm';
import { byKey } from '../../core/batch';
import type { SellerComplaintMetrics } from './complaint.type';

/**
 * Each seller's record in complaints (issue 11), for the seller, the operator and the buy box's seller
 * rating (CONTRACTS E): complaints per order, the median time to the seller's first answer, the share
 * escalated to the operator and the share of closed complaints resolved for the customer. The rule is
 * the `seller_complaint_stats` view (migration 1764130000000), which modules below this one may also read
 * with plain SQL; this reads it for any number of sellers in one statement, keys in their order.
 */
export async function sellerComplaintMetrics(db: Pick<DataSource, 'query'>, sellerIds: readonly string[]): Promise<SellerComplaintMetrics[]> {
  const rows: (SellerComplaintMetrics & { sellerId: string })[] = await db.query(
    `SELECT seller_id AS "sellerId", orders, complaints, complaint_rate AS "complaintRate",
            median_first_response_seconds AS "medianFirstResponseSeconds", escalated_share AS "escalatedShare",
            customer_favour_share AS "customerFavourShare"
       FROM seller_complaint_stats WHERE seller_id = ANY($1::uuid[])`,
    [sellerIds],
  );
  return byKey(sellerIds, rows, (r) => r.sellerId).map(
    (r) => r ?? { orders: 0, complaints: 0, complaintRate: 0, medianFirstResponseSeconds: null, escalatedShare: null, customerFavourShare: null },
  );
}
