import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { actingSeller, requireAdmin, requireSeller, sellerMay } from '../../auth/guards';
import { generateSellerKey } from '../../auth/api-keys';
import { isSellerScope, sellerScopes, type SellerScope, type Viewer } from '../../auth/viewer';
import { ErrorCode, forbidden, notFound } from '../../core/errors';
import { idOf, requireIdOf } from '../../core/global-id';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { validateAddress } from '../../core/address';
import { uniqueViolation } from '../../db/pg-errors';
import { emit } from '../../events/outbox';
import { SellerEntity } from './seller.entity';
import { SellerApiKeyEntity } from './seller-api-key.entity';
import { SELLER_COLUMNS, toSeller, type SellerRow } from './seller.rows';
import { SellerStatus, type Seller } from './seller.type';
import { toSellerApiKey } from './seller-api-key.rows';
import type { SellerApiKey } from './seller-api-key.type';
import type {
  SellerApiKeyCreateInput,
  SellerCreateInput,
  SellerSuspendInput,
  SellerUpdateInput,
} from './seller.inputs';

/** Whether the viewer may see a seller: active ones are public; suspended ones only to themselves and the operator. */
export function canSeeSeller(viewer: Viewer, seller: Seller): boolean {
  return (
    seller.status === SellerStatus.ACTIVE ||
    viewer.kind === 'admin' ||
    (viewer.kind === 'seller' && viewer.sellerId === seller.uuid)
  );
}

export async function findSeller(ctx: Context, by: { id?: string; slug?: string }): Promise<Seller | null> {
  let seller: Seller | null = null;
  if (by.id) {
    const uuid = requireIdOf(by.id, 'Seller');
    seller = await ctx.loaders.sellerById.load(uuid);
  } else if (by.slug) {
    const rows: SellerRow[] = await ctx.db.query(`SELECT ${SELLER_COLUMNS} FROM seller WHERE slug = $1`, [by.slug]);
    seller = rows[0] ? toSeller(rows[0]) : null;
  }
  return seller && canSeeSeller(ctx.viewer, seller) ? seller : null;
}

export async function listSellers(ctx: Context, { first, after }: { first: number; after?: string }) {
  checkPageSize(first);
  const params: unknown[] = [first + 1];
  const where: string[] = [];
  if (ctx.viewer.kind !== 'admin') where.push(`status = 'active'`);
  if (after) {
    const { key, id } = decodeKeyset(after);
    params.push(key, id);
    where.push(`(created_at, id) < ($2::timestamptz, $3::uuid)`);
  }
  // The cursor keeps created_at as PostgreSQL's text: a JS Date would drop the microseconds.
  const rows: (SellerRow & { sortKey: string })[] = await ctx.db.query(
    `SELECT ${SELLER_COLUMNS}, created_at::text AS "sortKey" FROM seller ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT $1`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([r.sortKey, r.id]), toSeller);
}

function validateSellerFields(v: Validator, input: Partial<SellerUpdateInput>, creating: boolean): void {
  v.text('name', input.name, { required: creating, max: 120 });
  v.int('shippingRate', input.shippingRate, { max: 1_000_000 });
  v.int('freeShippingThreshold', input.freeShippingThreshold);
  if (input.invoicePrefix != null) v.check(/^[A-Z0-9]{2,10}$/.test(input.invoicePrefix), 'invoicePrefix', 'invoicePrefix must be 2–10 capital letters or digits.');
  v.text('description', input.description, { required: false, max: 5000, multiline: true });
  v.text('legalName', input.legalName, { required: false, max: 200 });
  v.text('taxId', input.taxId, { required: false, max: 40 });
}

async function insertApiKey({ tx }: TxContext, sellerId: string, name: string, scopes: SellerScope[]) {
  const { key, prefix, hash } = generateSellerKey();
  const entity = tx.create(SellerApiKeyEntity, { sellerId, name, prefix, keyHash: hash, scopes });
  await tx.save(entity);
  return { apiKey: toSellerApiKey(entity), secret: key };
}

async function loadSeller({ tx }: TxContext, id: string): Promise<Seller> {
  const rows: SellerRow[] = await tx.query(`SELECT ${SELLER_COLUMNS} FROM seller WHERE id = $1`, [id]);
  if (!rows[0]) throw notFound('Seller');
  return toSeller(rows[0]);
}

export async function createSeller(ctx: Context, input: SellerCreateInput) {
  requireAdmin(ctx.viewer);
  const v = new Validator();
  v.text('slug', input.slug, { max: 120 });
  v.slug('slug', input.slug);
  validateSellerFields(v, input, true);
  const address = input.address ? validateAddress(v, 'address', input.address) : null;
  v.done();
  try {
    return await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      const entity = tx.create(SellerEntity, {
        slug: input.slug,
        name: input.name.trim(),
        description: input.description ?? '',
        legalName: input.legalName ?? null,
        taxId: input.taxId ?? null,
        address,
      });
      await tx.save(entity);
      const { apiKey, secret } = await insertApiKey(ctx, entity.id, 'default', [...sellerScopes]);
      return { seller: await loadSeller(ctx, entity.id), apiKey, apiKeySecret: secret };
    });
  } catch (err) {
    if (uniqueViolation(err) !== null) fail('slug', `The slug "${input.slug}" is taken.`, ErrorCode.TAKEN);
    throw err;
  }
}

function sellerIdArg(sellerId: string | undefined | null): string | undefined {
  return sellerId ? requireIdOf(sellerId, 'Seller', 'sellerId') : undefined;
}

export async function updateSeller(ctx: Context, input: SellerUpdateInput) {
  const sellerId = actingSeller(ctx.viewer, sellerIdArg(input.sellerId), 'settings:write');
  const v = new Validator();
  validateSellerFields(v, input, false);
  const address = input.address ? validateAddress(v, 'address', input.address) : undefined;
  v.done();
  const changes: Partial<SellerEntity> = {};
  if (address) changes.address = address;
  if (input.shippingRate != null) changes.shippingRate = input.shippingRate;
  if (input.freeShippingThreshold != null) changes.freeShippingThreshold = input.freeShippingThreshold || null;
  if (input.invoicePrefix != null) changes.invoicePrefix = input.invoicePrefix;
  if (input.name != null) changes.name = input.name.trim();
  if (input.description != null) changes.description = input.description;
  if (input.legalName != null) changes.legalName = input.legalName;
  if (input.taxId != null) changes.taxId = input.taxId;
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const result = await tx.update(SellerEntity, { id: sellerId }, { ...changes, updatedAt: new Date() } as object);
    if (!result.affected) throw notFound('Seller');
    return { seller: await loadSeller(ctx, sellerId) };
  });
}

async function setSellerStatus(ctx: Context, sellerGlobalId: string, status: SellerStatus, reason: string | null) {
  requireAdmin(ctx.viewer);
  const sellerId = requireIdOf(sellerGlobalId, 'Seller', 'sellerId');
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const result = await tx.update(SellerEntity, { id: sellerId }, { status, suspendedReason: reason, updatedAt: new Date() });
    if (!result.affected) throw notFound('Seller');
    await emit(ctx, status === SellerStatus.SUSPENDED ? 'seller.suspended' : 'seller.reactivated', { sellerId });
    return { seller: await loadSeller(ctx, sellerId) };
  });
}

export function suspendSeller(ctx: Context, input: SellerSuspendInput) {
  return setSellerStatus(ctx, input.sellerId, SellerStatus.SUSPENDED, input.reason ?? null);
}

export function reactivateSeller(ctx: Context, sellerGlobalId: string) {
  return setSellerStatus(ctx, sellerGlobalId, SellerStatus.ACTIVE, null);
}

export async function createApiKey(ctx: Context, input: SellerApiKeyCreateInput) {
  const sellerId = actingSeller(ctx.viewer, sellerIdArg(input.sellerId), 'keys:write');
  const v = new Validator();
  v.text('name', input.name, { max: 80 });
  // Default: what the key in use has (a seller key), or every scope (the operator).
  const scopes = input.scopes ?? (ctx.viewer.kind === 'seller' ? [...ctx.viewer.scopes] : [...sellerScopes]);
  v.check(scopes.length <= sellerScopes.length * 2, 'scopes', `At most ${sellerScopes.length} scopes.`, ErrorCode.TOO_LONG);
  const unknown = scopes.slice(0, sellerScopes.length * 2).filter((s) => !isSellerScope(s));
  v.check(
    unknown.length === 0,
    'scopes',
    `Unknown scopes: ${unknown.map((s) => JSON.stringify(s.slice(0, 40))).join(', ')}. Known: ${sellerScopes.join(', ')}.`,
  );
  // A key can't grant more than the key that creates it.
  if (ctx.viewer.kind === 'seller' && unknown.length === 0) {
    const viewer = ctx.viewer;
    v.check(
      scopes.every((s) => viewer.scopes.has(s as SellerScope)),
      'scopes',
      'A key can only create keys with scopes it has itself.',
      ErrorCode.FORBIDDEN,
    );
  }
  v.done();
  return withTransaction(ctx, async (ctx) => {
    await loadSeller(ctx, sellerId);
    return insertApiKey(ctx, sellerId, input.name.trim(), [...new Set(scopes)] as SellerScope[]);
  });
}

export async function revokeApiKey(ctx: Context, keyGlobalId: string) {
  const keyId = idOf(keyGlobalId, 'SellerApiKey');
  if (!keyId) fail('id', 'id is not a valid SellerApiKey ID.', ErrorCode.INVALID_ID);
  const key = await ctx.db.getRepository(SellerApiKeyEntity).findOneBy({ id: keyId });
  const owns = key && (ctx.viewer.kind === 'admin' || (ctx.viewer.kind === 'seller' && ctx.viewer.sellerId === key.sellerId));
  if (!key || !owns) fail('id', 'API key not found.', ErrorCode.NOT_FOUND);
  if (ctx.viewer.kind === 'seller') requireSeller(ctx.viewer, 'keys:write');
  if (!key.revokedAt) {
    key.revokedAt = new Date();
    await ctx.db.getRepository(SellerApiKeyEntity).update({ id: key.id }, { revokedAt: key.revokedAt });
  }
  return { apiKey: toSellerApiKey(key) };
}

export async function listApiKeys(ctx: Context, seller: Seller): Promise<SellerApiKey[]> {
  if (ctx.viewer.kind === 'seller' && ctx.viewer.sellerId === seller.uuid) requireSeller(ctx.viewer, 'keys:write');
  if (!sellerMay(ctx.viewer, seller.uuid, 'keys:write')) throw forbidden('Only the seller itself can list its API keys.');
  const keys = await ctx.db.getRepository(SellerApiKeyEntity).find({
    where: { sellerId: seller.uuid },
    order: { createdAt: 'ASC' },
  });
  return keys.map(toSellerApiKey);
}

export async function currentSeller(ctx: Context): Promise<Seller | null> {
  return ctx.viewer.kind === 'seller' ? ctx.loaders.sellerById.load(ctx.viewer.sellerId) : null;
}
