import type { Context } from '../../core/context';
import { ErrorCode, forbidden } from '../../core/errors';
import { idOf, type NodeType } from '../../core/global-id';
import { userError, type UserError } from '../../core/user-error';
import { controlCharacterAt } from '../../core/validate';
import { ingestTouchpoints, type NewTouchpoint, type TouchpointSubject } from './touchpoint-ingest';
import type { EventsTrackInput, TouchpointEventInput } from './touchpoint.inputs';
import { TouchpointEventType } from './touchpoint.type';

export const MAX_EVENTS_PER_CALL = 100;
export const MAX_EVENT_AGE_DAYS = 7;
/** Clients' clocks run a little fast: this much "future" is taken as now-ish, beyond it refused. */
export const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_CLIENT_ID = 100;
const MAX_SEARCH_TEXT = 200;

const NEEDS_PRODUCT = new Set([TouchpointEventType.PRODUCT_VIEWED, TouchpointEventType.PRODUCT_LIKED, TouchpointEventType.PRODUCT_SHARED]);

interface Candidate {
  index: number;
  input: TouchpointEventInput;
  productId: string | null;
  listingId: string | null;
  sellerId: string | null;
  categoryId: string | null;
}

/**
 * eventsTrack: validates each event on its own (userErrors at ["input", "events", i, ...]) and stores the
 * valid ones of the batch in one transaction. References are checked with one query.
 */
export async function trackEvents(ctx: Context, input: EventsTrackInput) {
  const subject = subjectOf(ctx, input);
  if (input.events.length > MAX_EVENTS_PER_CALL) {
    return refused(userError(['input', 'events'], `At most ${MAX_EVENTS_PER_CALL} events per call (got ${input.events.length}); send the rest in another call.`, ErrorCode.LIMIT_EXCEEDED));
  }
  if (!subject) {
    return refused(
      input.visitorId
        ? userError(['input', 'visitorId'], 'This visitor id was not issued here; get one with visitorCreate.', ErrorCode.FORBIDDEN)
        : userError(['input', 'visitorId'], 'Guests send the visitorId they got from visitorCreate.', ErrorCode.BLANK),
    );
  }
  const errors: UserError[] = [];
  const now = Date.now();
  const candidates: Candidate[] = [];
  input.events.forEach((event, index) => {
    const problems = checkEvent(event, index, now);
    if (problems.length) errors.push(...problems);
    else candidates.push(resolveIds(event, index, errors));
  });
  const valid = await checkReferences(ctx, candidates, errors);
  const { accepted, duplicates } = valid.length
    ? await ingestTouchpoints(ctx, subject, valid)
    : { accepted: 0, duplicates: 0 };
  errors.sort((a, b) => Number(a.field?.[2] ?? 0) - Number(b.field?.[2] ?? 0));
  return { accepted, duplicates, userErrors: errors };
}

const refused = (error: UserError) => ({ accepted: 0, duplicates: 0, userErrors: [error] });

function subjectOf(ctx: Context, input: EventsTrackInput): TouchpointSubject | null {
  const { viewer } = ctx;
  if (viewer.kind === 'customer') return { customerId: viewer.customerId };
  if (viewer.kind !== 'guest') throw forbidden('Touchpoints are for shoppers: sellers and the operator cannot track them.');
  const visitorId = input.visitorId ? ctx.tokens.verifyVisitorId(input.visitorId) : null;
  return visitorId ? { visitorId } : null;
}

const at = (index: number, ...rest: string[]) => ['input', 'events', String(index), ...rest];

/** The checks that need no database: sizes first, then time, then what the type requires. */
function checkEvent(e: TouchpointEventInput, index: number, now: number): UserError[] {
  const errors: UserError[] = [];
  if (e.id != null) {
    if (e.id.length > MAX_CLIENT_ID) errors.push(userError(at(index, 'id'), `id is too long (maximum ${MAX_CLIENT_ID} characters).`, ErrorCode.TOO_LONG));
    else if (e.id === '' || controlCharacterAt(e.id) >= 0) errors.push(userError(at(index, 'id'), 'id must be non-empty printable text.', ErrorCode.INVALID));
  }
  if (e.searchText != null) {
    if (e.searchText.length > MAX_SEARCH_TEXT) {
      errors.push(userError(at(index, 'searchText'), `searchText is too long (maximum ${MAX_SEARCH_TEXT} characters).`, ErrorCode.TOO_LONG));
    } else if (controlCharacterAt(e.searchText) >= 0) errors.push(userError(at(index, 'searchText'), 'searchText contains a control character.', ErrorCode.INVALID));
  }
  const t = e.occurredAt.getTime();
  if (Number.isNaN(t)) errors.push(userError(at(index, 'occurredAt'), 'occurredAt is not a valid time.', ErrorCode.INVALID));
  else if (t > now + CLOCK_SKEW_MS) errors.push(userError(at(index, 'occurredAt'), 'occurredAt is in the future.', ErrorCode.INVALID));
  else if (t < now - MAX_EVENT_AGE_DAYS * 86_400_000) {
    errors.push(userError(at(index, 'occurredAt'), `occurredAt is more than ${MAX_EVENT_AGE_DAYS} days old.`, ErrorCode.INVALID));
  }
  if (NEEDS_PRODUCT.has(e.type) && !e.productId && !e.listingId) {
    errors.push(userError(at(index, 'productId'), `${e.type} needs productId or listingId.`, ErrorCode.BLANK));
  }
  if (e.type === TouchpointEventType.LISTING_ADDED_TO_CART && !e.listingId) {
    errors.push(userError(at(index, 'listingId'), 'LISTING_ADDED_TO_CART needs listingId.', ErrorCode.BLANK));
  }
  if (e.type === TouchpointEventType.SEARCH_PERFORMED && !e.searchText?.trim()) {
    errors.push(userError(at(index, 'searchText'), 'SEARCH_PERFORMED needs searchText.', ErrorCode.BLANK));
  }
  return errors;
}

/** Global IDs to uuids; a malformed one or of another type is INVALID_ID under its field. */
function resolveIds(e: TouchpointEventInput, index: number, errors: UserError[]): Candidate {
  const id = (field: 'productId' | 'listingId' | 'sellerId' | 'categoryId', type: NodeType) => {
    const value = e[field];
    if (value == null) return null;
    const uuid = idOf(value, type);
    if (!uuid) errors.push(userError(at(index, field), `${field} is not a valid ${type} ID.`, ErrorCode.INVALID_ID));
    return uuid;
  };
  return {
    index,
    input: e,
    productId: id('productId', 'Product'),
    listingId: id('listingId', 'Listing'),
    sellerId: id('sellerId', 'Seller'),
    categoryId: id('categoryId', 'Category'),
  };
}

/** All references checked in one query; an unknown one is NOT_FOUND, a listing of another product INVALID. */
async function checkReferences(ctx: Context, all: Candidate[], errors: UserError[]): Promise<NewTouchpoint[]> {
  const malformed = new Set(errors.map((e) => e.field?.[2]));
  const candidates = all.filter((c) => !malformed.has(String(c.index)));
  const { products, listings, sellers, categories } = await lookupReferences(ctx, candidates);
  const valid: NewTouchpoint[] = [];
  for (const c of candidates) {
    const before = errors.length;
    const missing = (field: string, what: string) => errors.push(userError(at(c.index, field), `${what} not found.`, ErrorCode.NOT_FOUND));
    const product = c.productId ? products.get(c.productId) : undefined;
    const listing = c.listingId ? listings.get(c.listingId) : undefined;
    if (c.productId && !product) missing('productId', 'Product');
    if (c.listingId && !listing) missing('listingId', 'Listing');
    if (c.sellerId && !sellers.has(c.sellerId)) missing('sellerId', 'Seller');
    if (c.categoryId && !categories.has(c.categoryId)) missing('categoryId', 'Category');
    if (listing && c.productId && listing.productId !== c.productId) {
      errors.push(userError(at(c.index, 'listingId'), 'This listing is of another product.', ErrorCode.INVALID));
    }
    if (listing && c.sellerId && listing.sellerId !== c.sellerId) {
      errors.push(userError(at(c.index, 'sellerId'), 'This listing is of another seller.', ErrorCode.INVALID));
    }
    if (errors.length > before) continue;
    const e = c.input;
    valid.push({
      clientEventId: e.id ?? null,
      type: e.type,
      channel: e.channel,
      occurredAt: e.occurredAt,
      productId: c.productId ?? listing?.productId ?? null,
      listingId: c.listingId,
      sellerId: c.sellerId ?? listing?.sellerId ?? null,
      categoryId: c.categoryId ?? listing?.categoryId ?? product?.categoryId ?? null,
      searchText: e.searchText?.trim() || null,
      source: 'client',
    });
  }
  return valid;
}

interface Reference {
  kind: 'product' | 'listing' | 'seller' | 'category';
  id: string;
  productId: string | null;
  sellerId: string | null;
  categoryId: string | null;
}

/** The batch's products, listings, sellers and categories that exist, in one round trip (none when it names none). */
async function lookupReferences(ctx: Context, candidates: Candidate[]) {
  const ids = (key: 'productId' | 'listingId' | 'sellerId' | 'categoryId') => [...new Set(candidates.map((c) => c[key]).filter((x): x is string => !!x))];
  const params = [ids('productId'), ids('listingId'), ids('sellerId'), ids('categoryId')];
  const rows: Reference[] = params.some((p) => p.length)
    ? await ctx.db.query(
        `SELECT 'product' AS kind, p.id, p.id AS "productId", NULL::uuid AS "sellerId", p.category_id AS "categoryId" FROM product p WHERE p.id = ANY($1::uuid[])
         UNION ALL
         SELECT 'listing', l.id, l.product_id, l.seller_id, p.category_id FROM listing l JOIN product p ON p.id = l.product_id WHERE l.id = ANY($2::uuid[])
         UNION ALL
         SELECT 'seller', s.id, NULL, NULL, NULL FROM seller s WHERE s.id = ANY($3::uuid[])
         UNION ALL
         SELECT 'category', c.id, NULL, NULL, NULL FROM category c WHERE c.id = ANY($4::uuid[])`,
        params,
      )
    : [];
  const of = (kind: Reference['kind']) => new Map(rows.filter((r) => r.kind === kind).map((r) => [r.id, r]));
  return { products: of('product'), listings: of('listing'), sellers: of('seller'), categories: of('category') };
}

/** visitorCreate: a new anonymous visitor id, for guests only. */
export function createVisitor(ctx: Context) {
  if (ctx.viewer.kind !== 'guest') throw forbidden('Visitor ids are for guests; a signed-in customer is tracked as themselves.');
  return { visitorId: ctx.tokens.issueVisitorId(), userErrors: [] };
}
