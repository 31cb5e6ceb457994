import type { Context } from '../../core/context';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { actorOf, lockComplaint, readComplaint } from './complaint-access';
import { checkAttachments } from './complaint-attachments';
import { recordAction, requireTransition } from './complaint-transition';
import type { ComplaintMessagePostInput } from './complaint.inputs';
import { MESSAGE_COLUMNS, toComplaint, type ComplaintMessageRow } from './complaint.rows';
import type { ComplaintActorRole, ComplaintMessage } from './complaint.type';

/** A thread this long has stopped being a conversation: the operator steps in (bounded work, issue 9). */
export const MAX_MESSAGES = 200;

const toMessage = (r: ComplaintMessageRow): ComplaintMessage => ({
  id: r.id,
  authorRole: r.authorRole as ComplaintActorRole,
  body: r.body,
  attachments: r.attachments,
  createdAt: r.createdAt,
});

/**
 * `complaintMessagePost`: the customer, the seller or the operator writes in the thread. The customer
 * hands the turn to the seller (whose deadline starts), the seller to the customer; the operator's
 * word changes no turn.
 */
export async function postMessage(ctx: Context, input: ComplaintMessagePostInput) {
  const actor = actorOf(ctx.viewer);
  const v = new Validator();
  v.text('body', input.body, { max: 4000, multiline: true });
  const attachments = checkAttachments(v, 'attachments', input.attachments);
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const c = await lockComplaint(ctx, input.complaintId);
    const to = requireTransition(c, 'reply', actor);
    const [{ n }]: { n: number }[] = await ctx.tx.query('SELECT count(*)::int AS n FROM complaint_message WHERE complaint_id = $1', [c.id]);
    if (n >= MAX_MESSAGES) fail(null, `A complaint holds at most ${MAX_MESSAGES} messages.`, ErrorCode.LIMIT_EXCEEDED);
    const [row]: ComplaintMessageRow[] = await ctx.tx.query(
      `INSERT INTO complaint_message AS m (complaint_id, author_role, body, attachments, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${MESSAGE_COLUMNS}`,
      [c.id, actor, input.body.trim(), JSON.stringify(attachments), ctx.clock()],
    );
    await recordAction(ctx, c, { to, actor });
    return { message: toMessage(row!), complaint: toComplaint(await readComplaint(ctx, c.id)) };
  });
}

/** A page of the thread, oldest first; the caller checked that the viewer sees the complaint. */
export async function listMessages(ctx: Context, complaintUuid: string, { first, after }: { first: number; after?: string | null }) {
  checkPageSize(first);
  const params: unknown[] = [complaintUuid];
  let where = 'm.complaint_id = $1';
  if (after) {
    const { key, id } = decodeKeyset(after);
    params.push(key, id);
    where += ` AND (m.created_at, m.id) > ($2::timestamptz, $3::uuid)`;
  }
  params.push(first + 1);
  const rows: (ComplaintMessageRow & { sortKey: string })[] = await ctx.db.query(
    `SELECT ${MESSAGE_COLUMNS}, m.created_at::text AS "sortKey" FROM complaint_message m WHERE ${where}
      ORDER BY m.created_at, m.id LIMIT $${params.length}`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([r.sortKey, r.id]), toMessage);
}
