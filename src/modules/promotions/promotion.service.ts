import type { Context, TxContext } from '../../core/context';
import { actingSeller, requireSellerOrAdmin, sellerMay } from '../../auth/guards';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { ErrorCode, forbidden } from '../../core/errors';
import { idOf } from '../../core/global-id';
import type { MoneyInput } from '../../core/money';
import { fail, userError, UserErrors, type UserError } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';
import { countReach } from './promotion-reach';
import { announceStart, startAfterChange } from './promotion-start';
import { PROMOTION_COLUMNS, toPromotion, type PromotionRow } from './promotion.rows';
import { PromotionStacking, type Promotion } from './promotion.type';
import type { PromotionCreateInput, PromotionPreviewInput, PromotionUpdateInput } from './promotion.inputs';
import { validateRule, type TargetingRule } from './targeting-rule';

const CODE = /^[A-Za-z0-9_-]{3,40}$/;
const MAX_SCOPE_IDS = 100;

/** A promotion of the viewer's seller (or any, for the operator), locked; NOT_FOUND otherwise, never FORBIDDEN: ids reveal nothing. */
export async function ownPromotion(ctx: TxContext, globalId: string, field: string[] = ['input', 'id']): Promise<PromotionRow> {
  requireSellerOrAdmin(ctx.viewer, 'promotions:write');
  const uuid = idOf(globalId, 'Promotion');
  if (!uuid) fail(field, 'Not a valid Promotion ID.', ErrorCode.INVALID_ID);
  const [row]: PromotionRow[] = await ctx.tx.query(`SELECT ${PROMOTION_COLUMNS} FROM promotion pr WHERE pr.id = $1 FOR NO KEY UPDATE`, [uuid]);
  if (!row || !sellerMay(ctx.viewer, row.sellerId, 'promotions:write')) fail(field, 'Promotion not found.', ErrorCode.NOT_FOUND);
  return row;
}

/** For `node(id:)`: the seller's own promotions and, for the operator, all. */
export async function findPromotion(ctx: Context, uuid: string): Promise<Promotion | null> {
  const [row]: PromotionRow[] = await ctx.db.query(`SELECT ${PROMOTION_COLUMNS} FROM promotion pr WHERE pr.id = $1`, [uuid]);
  return row && sellerMay(ctx.viewer, row.sellerId, 'promotions:write') ? toPromotion(row) : null;
}

/** Seller.promotions: newest first, for the seller itself (key with promotions:write) and the operator. */
export async function listSellerPromotions(ctx: Context, sellerUuid: string, { first, after }: { first: number; after?: string }) {
  if (!sellerMay(ctx.viewer, sellerUuid, 'promotions:write')) throw forbidden("Only the seller (a key with promotions:write) and the operator see a seller's promotions.");
  checkPageSize(first);
  const params: unknown[] = [sellerUuid];
  const where = ['pr.seller_id = $1'];
  if (after) {
    const { key, id } = decodeKeyset(after);
    params.push(key, id);
    where.push('(pr.created_at, pr.id) < ($2::timestamptz, $3::uuid)');
  }
  params.push(first + 1);
  const rows: (PromotionRow & { sortKey: string })[] = await ctx.db.query(
    `SELECT ${PROMOTION_COLUMNS}, pr.created_at::text AS "sortKey" FROM promotion pr
      WHERE ${where.join(' AND ')} ORDER BY pr.created_at DESC, pr.id DESC LIMIT $${params.length}`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([r.sortKey, r.id]), toPromotion);
}

/** The promotion as it would be after the input: validated as a whole, so an update can't make it inconsistent. */
interface Draft {
  name: string;
  kind: PromotionRow['kind'];
  percentOff: number | null;
  amountOff: number | null;
  scope: PromotionRow['scope'];
  scopeIds: string[];
  trigger: PromotionRow['trigger'];
  code: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  budget: number | null;
  perCustomerLimit: number | null;
  minSubtotal: number;
  stacking: PromotionRow['stacking'];
  priority: number;
  targeting: TargetingRule | null;
}

type Fields = Omit<PromotionUpdateInput, 'id' | 'clearTargeting' | 'clearEndsAt'>;

function money(ctx: Context, v: Validator, field: string, value: MoneyInput | undefined, { min = 0 } = {}): number | undefined {
  if (!value) return undefined;
  v.int(`${field}.amount`, value.amount, { min, max: 1e12 });
  v.check(value.currency === ctx.config.currency, `${field}.currency`, `Promotions are in ${ctx.config.currency}.`, ErrorCode.CURRENCY_NOT_SUPPORTED);
  return value.amount;
}

/** Checks the fields given, merges them into `base`, and checks the result as a whole. Errors are thrown together. */
function draft(ctx: Context, base: Draft, input: Fields, extra: UserError[] = []): Draft {
  const v = new Validator();
  v.errors.push(...extra);
  if (input.name !== undefined) v.text('name', input.name, { max: 100 });
  v.int('percentOff', input.percentOff, { min: 1, max: 100 });
  const amountOff = money(ctx, v, 'amountOff', input.amountOff, { min: 1 });
  const budget = money(ctx, v, 'budget', input.budget, { min: 1 });
  const minSubtotal = money(ctx, v, 'minSubtotal', input.minSubtotal);
  v.int('perCustomerLimit', input.perCustomerLimit, { min: 1, max: 1000 });
  v.int('priority', input.priority, { min: -1000, max: 1000 });
  if (input.scopeIds) v.check(input.scopeIds.length <= MAX_SCOPE_IDS, 'scopeIds', `At most ${MAX_SCOPE_IDS} ids.`, ErrorCode.LIMIT_EXCEEDED);
  let targeting = base.targeting;
  if (input.targeting) {
    const { rule, errors } = validateRule(input.targeting, ['input', 'targeting']);
    v.errors.push(...errors);
    targeting = rule;
  }
  v.done();
  const next: Draft = {
    ...base,
    name: input.name?.trim() ?? base.name,
    percentOff: input.percentOff ?? base.percentOff,
    amountOff: amountOff ?? base.amountOff,
    budget: budget ?? base.budget,
    minSubtotal: minSubtotal ?? base.minSubtotal,
    perCustomerLimit: input.perCustomerLimit ?? base.perCustomerLimit,
    priority: input.priority ?? base.priority,
    stacking: input.stacking ?? base.stacking,
    startsAt: input.startsAt ?? base.startsAt,
    endsAt: input.endsAt ?? base.endsAt,
    scopeIds: input.scopeIds ?? base.scopeIds,
    targeting,
  };
  const w = new Validator();
  w.check(next.kind !== 'PERCENTAGE' || next.percentOff !== null, 'percentOff', 'A PERCENTAGE promotion needs percentOff.', ErrorCode.BLANK);
  w.check(next.kind === 'PERCENTAGE' || input.percentOff == null, 'percentOff', `A ${next.kind} promotion takes no percentOff.`);
  w.check(next.kind !== 'FIXED_AMOUNT' || next.amountOff !== null, 'amountOff', 'A FIXED_AMOUNT promotion needs amountOff.', ErrorCode.BLANK);
  w.check(next.kind === 'FIXED_AMOUNT' || input.amountOff == null, 'amountOff', `A ${next.kind} promotion takes no amountOff.`);
  w.check(next.scope === 'ALL' ? next.scopeIds.length === 0 : next.scopeIds.length > 0, 'scopeIds', next.scope === 'ALL' ? 'Scope ALL takes no scopeIds.' : `Scope ${next.scope} needs scopeIds.`);
  w.check(!(next.startsAt && next.endsAt) || next.endsAt > next.startsAt, 'endsAt', 'endsAt must be after startsAt.');
  w.done();
  return next;
}

const scopeTypes = { LISTINGS: 'Listing', PRODUCTS: 'Product', CATEGORIES: 'Category' } as const;

/**
 * Decodes scopeIds and checks each is the seller's own (listings; products it sells or created) or exists
 * (categories). Another seller's listing is "not found" at its index: a promotion reveals nothing.
 */
async function resolveScope(ctx: TxContext, sellerId: string, scope: Draft['scope'], globalIds: string[] | undefined): Promise<string[] | undefined> {
  if (!globalIds || scope === 'ALL') return globalIds && [];
  const type = scopeTypes[scope];
  const errors: UserError[] = [];
  const ids = globalIds.map((g, i) => {
    const id = idOf(g, type);
    if (!id) errors.push(userError(['input', 'scopeIds', String(i)], `Not a valid ${type} ID.`, ErrorCode.INVALID_ID));
    return id ?? '';
  });
  if (errors.length) throw new UserErrors(errors);
  const query = {
    LISTINGS: 'SELECT id FROM listing WHERE id = ANY($1::uuid[]) AND seller_id = $2',
    PRODUCTS: `SELECT p.id FROM product p WHERE p.id = ANY($1::uuid[])
                 AND (p.created_by_seller_id = $2 OR EXISTS (SELECT 1 FROM listing l WHERE l.product_id = p.id AND l.seller_id = $2))`,
    CATEGORIES: 'SELECT id FROM category WHERE id = ANY($1::uuid[]) AND $2::uuid IS NOT NULL',
  }[scope];
  const found = new Set((await ctx.tx.query(query, [ids, sellerId])).map((r: { id: string }) => r.id));
  ids.forEach((id, i) => {
    if (!found.has(id)) errors.push(userError(['input', 'scopeIds', String(i)], `${type} not found.`, ErrorCode.NOT_FOUND));
  });
  if (errors.length) throw new UserErrors(errors);
  return [...new Set(ids)];
}

function checkTrigger(v: Validator, trigger: PromotionCreateInput['trigger'], code: string | undefined): void {
  if (trigger === 'SHARED_CODE') {
    v.check(code != null, 'code', 'A SHARED_CODE promotion needs a code.', ErrorCode.BLANK);
    if (code != null) v.check(code.length <= 40 && CODE.test(code), 'code', 'code must be 3 to 40 letters, digits, - or _.');
  } else v.check(code == null, 'code', `A ${trigger} promotion takes no code.`);
}

/** PostgreSQL's unique_violation on the live-code index: the code belongs to another live promotion. */
async function codeTaken<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if ((err as { code?: string; constraint?: string }).constraint === 'promotion_code_idx') fail('code', 'This code is used by another promotion.', ErrorCode.TAKEN);
    throw err;
  }
}

export async function createPromotion(ctx: Context, input: PromotionCreateInput) {
  const sellerId = actingSeller(ctx.viewer, input.sellerId ? idOf(input.sellerId, 'Seller') : null, 'promotions:write');
  const v = new Validator();
  checkTrigger(v, input.trigger, input.code);
  const base: Draft = {
    name: '',
    kind: input.kind,
    percentOff: null,
    amountOff: null,
    scope: input.scope,
    scopeIds: [],
    trigger: input.trigger,
    code: input.code ?? null,
    startsAt: null,
    endsAt: null,
    budget: null,
    perCustomerLimit: null,
    minSubtotal: 0,
    stacking: PromotionStacking.STACKABLE,
    priority: 0,
    targeting: null,
  };
  const d = draft(ctx, base, input, v.errors);
  const now = ctx.now();
  // Without startsAt it starts now, by the clock its announcement goes by (promotion-start.ts).
  const startsAt = d.startsAt ?? now;
  const start = startAfterChange({ status: 'active', startsAt, endsAt: d.endsAt, announcedAt: null }, now);
  const promotion = await codeTaken(() =>
    withTransaction(ctx, async (ctx) => {
      const scopeIds = (await resolveScope(ctx, sellerId, d.scope, input.scopeIds)) ?? [];
      const [row]: PromotionRow[] = await ctx.tx.query(
        `INSERT INTO promotion AS pr (seller_id, name, kind, percent_off, amount_off, currency, scope, scope_ids, trigger, code, starts_at, ends_at,
                                      budget, per_customer_limit, min_subtotal, stacking, priority, targeting, announced_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         RETURNING ${PROMOTION_COLUMNS}`,
        [sellerId, d.name, d.kind, d.percentOff, d.amountOff, ctx.config.currency, d.scope, scopeIds, d.trigger, d.code, startsAt, d.endsAt,
          d.budget, d.perCustomerLimit, d.minSubtotal, d.stacking, d.priority, d.targeting ? JSON.stringify(d.targeting) : null, start.announcedAt],
      );
      // A later start is announced when it comes (the timer): promotion.started means "it runs now".
      if (start.announce) await announceStart(ctx, row!);
      return toPromotion(row!);
    }),
  );
  return { promotion };
}

export async function updatePromotion(ctx: Context, input: PromotionUpdateInput) {
  const promotion = await codeTaken(() =>
    withTransaction(ctx, async (ctx) => {
      const row = await ownPromotion(ctx, input.id);
      if (row.status === 'archived') fail(['input', 'id'], 'An archived promotion cannot change.', ErrorCode.INVALID_STATE);
      const base: Draft = { ...row, targeting: input.clearTargeting ? null : row.targeting, endsAt: input.clearEndsAt ? null : row.endsAt };
      const d = draft(ctx, base, input);
      if (d.budget !== null && d.budget < row.budgetUsed) fail(['input', 'budget', 'amount'], `The promotion has already given ${row.budgetUsed}; the budget can't be less.`, ErrorCode.INVALID);
      const scopeIds = (await resolveScope(ctx, row.sellerId, d.scope, input.scopeIds)) ?? row.scopeIds;
      // A moved start or end may make it start now (announced now), or later (announced by the timer then).
      const start = startAfterChange({ status: row.status, startsAt: d.startsAt!, endsAt: d.endsAt, announcedAt: row.announcedAt }, ctx.now());
      const [[updated]]: [PromotionRow[], number] = await ctx.tx.query(
        `UPDATE promotion pr SET name = $2, percent_off = $3, amount_off = $4, scope_ids = $5, starts_at = $6, ends_at = $7,
                budget = $8, per_customer_limit = $9, min_subtotal = $10, stacking = $11, priority = $12, targeting = $13, announced_at = $14, updated_at = now()
          WHERE pr.id = $1 RETURNING ${PROMOTION_COLUMNS}`,
        [row.id, d.name, d.percentOff, d.amountOff, scopeIds, d.startsAt, d.endsAt, d.budget, d.perCustomerLimit, d.minSubtotal, d.stacking, d.priority,
          d.targeting ? JSON.stringify(d.targeting) : null, start.announcedAt],
      );
      if (start.announce) await announceStart(ctx, updated!);
      // A running, announced promotion that now reaches other customers: the offer engine tells the newly targeted ones.
      else if (updated!.announcedAt && row.status === 'active' && JSON.stringify(row.targeting) !== JSON.stringify(updated!.targeting)) {
        await emit(ctx, 'promotion.targeting_changed', { promotionId: row.id, sellerId: row.sellerId, targeted: updated!.targeting !== null });
      }
      return toPromotion(updated!);
    }),
  );
  return { promotion };
}

/** Pause, resume and archive: archived is final (its code is freed for another promotion). */
export async function setPromotionStatus(ctx: Context, globalId: string, status: 'active' | 'paused' | 'archived') {
  const promotion = await codeTaken(() =>
    withTransaction(ctx, async (ctx) => {
      const row = await ownPromotion(ctx, globalId);
      if (row.status === 'archived') fail(['input', 'id'], 'This promotion is archived.', ErrorCode.INVALID_STATE);
      // A resume is a new start: announced now when it runs, else when it starts (the timer).
      const resumed = status === 'active' && row.status !== 'active';
      const start = resumed ? startAfterChange({ ...row, status }, ctx.now(), { restarted: true }) : { announcedAt: row.announcedAt, announce: false };
      const [[updated]]: [PromotionRow[], number] = await ctx.tx.query(
        `UPDATE promotion pr SET status = $2, announced_at = $3, updated_at = now() WHERE pr.id = $1 RETURNING ${PROMOTION_COLUMNS}`,
        [row.id, status, start.announcedAt],
      );
      if (start.announce) await announceStart(ctx, updated!);
      return toPromotion(updated!);
    }),
  );
  return { promotion };
}

export async function previewPromotion(ctx: Context, input: PromotionPreviewInput) {
  // The scope before anything else: a key without promotions:write is refused before the rule is read.
  const sellerId = actingSeller(ctx.viewer, input.sellerId ? idOf(input.sellerId, 'Seller') : null, 'promotions:write');
  const { rule, errors } = validateRule(input.targeting, ['input', 'targeting']);
  if (!rule) throw new UserErrors(errors);
  return { reach: await countReach(ctx, rule, sellerId) };
}
