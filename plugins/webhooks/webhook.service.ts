import { In, LessThan, type FindOptionsWhere } from 'typeorm';
import { ErrorCode, Validator, badInput, checkPageSize, decodeKeyset, encodeCursor, fail, toConnection } from 'zoco/plugin';
import type { Context } from './webhook.config';
import { sellerScope, webhookEgress } from './webhook.config';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entity';
import { isEventPattern, knownEventTypes, unknownEventPatterns } from './webhook-events';
import { newSecret } from './webhook-signature';
import { invalidEndpointUrl } from './webhook-url';
import { endpointUuid } from './webhook-ids';
import { toDelivery, toEndpoint } from './webhook.rows';
import type { WebhookEndpoint } from './webhook.type';
import type {
  WebhookDeliveriesArgs,
  WebhookEndpointCreateInput,
  WebhookEndpointIdInput,
  WebhookEndpointSecretRotateInput,
  WebhookEndpointUpdateInput,
} from './webhook.inputs';

const MAX_ENDPOINTS = 20;
const MAX_EVENTS = 50;

function validate(ctx: Context, input: { url?: string | undefined; events?: string[] | undefined }): void {
  const v = new Validator();
  if (input.url !== undefined) {
    const problem = invalidEndpointUrl(input.url.trim(), webhookEgress(ctx));
    v.check(problem === null, 'url', problem ?? '');
  }
  if (input.events !== undefined) {
    const bad = input.events.filter((e) => !isEventPattern(e));
    v.check(input.events.length > 0, 'events', 'events must name at least one event type (or "*").', ErrorCode.BLANK);
    v.check(input.events.length <= MAX_EVENTS, 'events', `events can name at most ${MAX_EVENTS} types.`, ErrorCode.TOO_LONG);
    v.check(!bad.length, 'events', `Not an event type: ${bad.slice(0, 5).map((e) => JSON.stringify(e)).join(', ')}. Use e.g. "order.paid", "order.*" or "*".`);
    if (!bad.length && input.events.length <= MAX_EVENTS) {
      const known = knownEventTypes(ctx.plugin.offered());
      const unknown = unknownEventPatterns(input.events, known);
      v.check(
        !unknown.length,
        'events',
        `Unknown event type${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).map((e) => JSON.stringify(e)).join(', ')}. Known: ${known.join(', ')} (or a prefix such as "order.*", or "*").`,
      );
    }
  }
  v.done();
}

/** The seller's endpoint behind a global ID; another seller's, or none, is NOT_FOUND. */
async function ownEndpoint(ctx: Context, id: string) {
  const scope = await sellerScope(ctx);
  const uuid = endpointUuid(id);
  const endpoint = uuid ? await scope.table(WebhookEndpointEntity).findOne({ id: uuid }) : null;
  if (!endpoint) fail('id', 'No webhook endpoint of yours has this id.', ErrorCode.NOT_FOUND);
  return { scope, endpoint };
}

export async function listEndpoints(ctx: Context): Promise<WebhookEndpoint[]> {
  const scope = await sellerScope(ctx);
  return (await scope.table(WebhookEndpointEntity).find({}, { createdAt: 'ASC' })).map(toEndpoint);
}

export async function findEndpoint(ctx: Context, id: string): Promise<WebhookEndpoint | null> {
  const scope = await sellerScope(ctx);
  const uuid = endpointUuid(id);
  const endpoint = uuid ? await scope.table(WebhookEndpointEntity).findOne({ id: uuid }) : null;
  return endpoint && toEndpoint(endpoint);
}

export async function createEndpoint(ctx: Context, input: WebhookEndpointCreateInput) {
  const scope = await sellerScope(ctx);
  validate(ctx, input);
  const endpoints = scope.table(WebhookEndpointEntity);
  if ((await endpoints.count()) >= MAX_ENDPOINTS) {
    fail(null, `A seller can have at most ${MAX_ENDPOINTS} webhook endpoints; delete one first.`, ErrorCode.LIMIT_EXCEEDED);
  }
  const secret = newSecret();
  const endpoint = await endpoints.insert({ url: input.url.trim(), events: [...new Set(input.events)], secret, active: input.active });
  scope.log.info({ endpointId: endpoint.id }, 'webhook endpoint created');
  return { endpoint: toEndpoint(endpoint), secret };
}

export async function updateEndpoint(ctx: Context, input: WebhookEndpointUpdateInput) {
  const { scope, endpoint } = await ownEndpoint(ctx, input.id);
  validate(ctx, { url: input.url ?? undefined, events: input.events ?? undefined });
  const changes: Partial<WebhookEndpointEntity> = {};
  if (input.url != null) changes.url = input.url.trim();
  if (input.events != null) changes.events = [...new Set(input.events)];
  if (input.active != null) changes.active = input.active;
  if (Object.keys(changes).length) await scope.table(WebhookEndpointEntity).update({ id: endpoint.id }, changes);
  return { endpoint: toEndpoint({ ...endpoint, ...changes }) };
}

/** Deletes the endpoint and its delivery log; its pending retries stop. */
export async function deleteEndpoint(ctx: Context, input: WebhookEndpointIdInput) {
  const { scope, endpoint } = await ownEndpoint(ctx, input.id);
  await scope.table(WebhookEndpointEntity).delete({ id: endpoint.id });
  return { deletedId: input.id };
}

/**
 * A new secret, shown once. The old one keeps signing beside it for `overlapHours` (Stripe-style), so
 * the seller's receiver can switch without dropping events; 0 retires it at once.
 */
export async function rotateSecret(ctx: Context, input: WebhookEndpointSecretRotateInput) {
  const { scope, endpoint } = await ownEndpoint(ctx, input.id);
  const v = new Validator();
  v.int('overlapHours', input.overlapHours, { min: 0, max: 168 });
  v.done();
  const secret = newSecret();
  const overlap = input.overlapHours > 0;
  const changes = {
    secret,
    previousSecret: overlap ? endpoint.secret : null,
    previousSecretExpiresAt: overlap ? new Date(Date.now() + input.overlapHours * 3_600_000) : null,
  };
  await scope.table(WebhookEndpointEntity).update({ id: endpoint.id }, changes);
  scope.log.info({ endpointId: endpoint.id, overlapHours: input.overlapHours }, 'webhook secret rotated');
  return { endpoint: toEndpoint({ ...endpoint, ...changes }), secret };
}

/** The seller's delivery log, newest first, keyset-paginated on insertion order. */
export async function listDeliveries(ctx: Context, args: WebhookDeliveriesArgs) {
  checkPageSize(args.first);
  const scope = await sellerScope(ctx);
  const where: FindOptionsWhere<WebhookDeliveryEntity> = {};
  if (args.endpointId) {
    const uuid = endpointUuid(args.endpointId);
    if (!uuid) throw badInput('endpointId is not a WebhookEndpoint ID.', 'endpointId');
    where.endpointId = uuid;
  }
  if (args.status) where.status = args.status;
  if (args.eventId) {
    if (!/^\d{1,18}$/.test(args.eventId)) throw badInput('eventId is not an event id.', 'eventId');
    where.eventId = Number(args.eventId);
  }
  if (args.after) {
    const { key } = decodeKeyset(args.after);
    if (typeof key !== 'number') throw badInput('after is not a cursor of this list.', 'after');
    where.seq = LessThan(key);
  }
  const rows = await scope.table(WebhookDeliveryEntity).find(where, { seq: 'DESC' }, { take: args.first + 1 });
  return toConnection(rows, args.first, (r) => encodeCursor([r.seq, r.id]), toDelivery);
}

/** Endpoints by uuid for the `WebhookDelivery.endpoint` loader, in key order. */
export async function endpointsByIds(ctx: Context, ids: readonly string[]): Promise<(WebhookEndpoint | null)[]> {
  const scope = await sellerScope(ctx);
  const rows = await scope.table(WebhookEndpointEntity).find({ id: In([...ids]) });
  const byId = new Map(rows.map((r) => [r.id, toEndpoint(r)]));
  return ids.map((id) => byId.get(id) ?? null);
}
