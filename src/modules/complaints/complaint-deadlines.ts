import { randomUUID } from 'node:crypto';
import { guest } from '../../auth/viewer';
import { createContext, type AppServices } from '../../core/context';
import { startPeriodicTask } from '../../core/periodic-task';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';

export interface ComplaintDeadlines {
  /** One round now; resolves with how many complaints it escalated. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 100;

/**
 * Escalates one batch of complaints whose seller missed its deadline, in one transaction. The rows are
 * taken with SKIP LOCKED and moved by the same statement only while still the seller's turn, so any
 * number of instances sweeping at once escalate each complaint exactly once (one transition, one event).
 */
async function escalateBatch(app: AppServices): Promise<number> {
  const ctx = createContext(app, guest, `complaint-deadlines-${randomUUID()}`);
  return withTransaction(ctx, async (ctx) => {
    const now = ctx.now();
    const [rows]: [{ id: string; from: string; orderId: string; sellerId: string; customerId: string }[], number] = await ctx.tx.query(
      `WITH due AS (
         SELECT id, state FROM complaint WHERE state IN ('open', 'awaiting_seller') AND seller_due_at <= $1
          ORDER BY seller_due_at LIMIT ${BATCH} FOR NO KEY UPDATE SKIP LOCKED)
       UPDATE complaint c SET state = 'escalated', escalated_at = $1, updated_at = $1, seller_due_at = NULL
         FROM due WHERE c.id = due.id
       RETURNING c.id, due.state AS "from", c.order_id AS "orderId", c.seller_id AS "sellerId", c.customer_id AS "customerId"`,
      [now],
    );
    if (!rows.length) return 0;
    await ctx.tx.query(
      `INSERT INTO complaint_transition (complaint_id, from_state, to_state, actor_role, note, at)
       SELECT x.id, x.from_state, 'escalated', 'system', 'The seller did not answer in time.', $3 FROM unnest($1::uuid[], $2::text[]) AS x(id, from_state)`,
      [rows.map((r) => r.id), rows.map((r) => r.from), now],
    );
    for (const r of rows) {
      await emit(ctx, 'complaint.updated', { complaintId: r.id, orderId: r.orderId, sellerId: r.sellerId, customerId: r.customerId, state: 'escalated' });
    }
    return rows.length;
  });
}

/**
 * The complaints' deadline scheduler (issue 11), run by `zoco serve` unless configured off: every
 * `intervalMs` it escalates overdue complaints to the operator without any request. Time is
 * `app.now`, so tests move it.
 */
export function startComplaintDeadlines(app: AppServices, { intervalMs }: { intervalMs: number }): ComplaintDeadlines {
  async function round(stopped: () => boolean): Promise<number> {
    let total = 0;
    while (!stopped()) {
      const n = await escalateBatch(app);
      total += n;
      if (n < BATCH) break;
    }
    if (total) app.log.info({ escalated: total }, 'complaints escalated: the seller missed its deadline');
    return total;
  }

  const task = startPeriodicTask({ name: 'complaint deadlines', intervalMs, log: app.log, round, failed: 0 });
  return { sweep: task.run, stop: task.stop };
}
