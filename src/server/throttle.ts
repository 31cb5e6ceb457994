import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer';
import type { ThrottleConfig } from '../config';
import { apiError } from '../core/errors';
import { isDatabaseUnavailable } from '../db/pg-errors';
import { BucketsUnavailable } from './throttle-redis';
import type { BucketPolicy, BucketState, BucketStore } from './throttle-store';

/** `extensions.cost.throttleStatus`, Shopify's names. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** `extensions.cost` of every operation's response, Shopify's names; no `throttleStatus` when the throttle is off. */
export interface CostReport {
  requestedQueryCost: number;
  /** Null when the operation did not run. */
  actualQueryCost: number | null;
  throttleStatus?: ThrottleStatus;
}

/** An accepted operation's charge, settled once its result is known. */
export interface Charge {
  client: string;
  requested: number;
  policy: BucketPolicy | null;
  /** The bucket's level after the charge; null when unknown (throttle off, database unavailable). */
  level: number | null;
  settled?: CostReport;
}

export type ChargeResult = { charge: Charge; error?: undefined } | { error: GraphQLError; report: CostReport; retryAfterSeconds?: number };

export interface Throttle {
  /** Pours the operation's estimated cost into its client's bucket, or refuses it (RATE_LIMITED, or QUERY_TOO_COMPLEX when it can never fit). */
  charge(viewer: Viewer, address: string | undefined, requested: number): Promise<ChargeResult>;
  /** The report of an executed operation: the actual cost, from the objects its result holds; the rest of the estimate is refunded. */
  settle(charge: Charge, data: unknown): CostReport;
  stop(): Promise<void>;
}

/** Whose bucket: a customer, a seller key (not its seller: each integration has its own), the operator, a guest's address. */
export function clientOf(viewer: Viewer, address: string | undefined): string {
  switch (viewer.kind) {
    case 'customer':
      return `customer:${viewer.customerId}`;
    case 'seller':
      return `key:${viewer.keyId}`;
    case 'admin':
      return 'admin';
    default:
      return `ip:${address ?? 'unknown'}`;
  }
}

/** Objects in a result: the estimator's unit (an object costs 1, a scalar 0). Bounded: the result is as large as the accepted cost allows. */
function objectsIn(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) n += objectsIn(item);
    return n;
  }
  n = 1;
  for (const key in value) n += objectsIn((value as Record<string, unknown>)[key]);
  return n;
}

const status = (policy: BucketPolicy, level: number): ThrottleStatus => ({
  maximumAvailable: policy.capacity,
  currentlyAvailable: Math.max(0, Math.floor(policy.capacity - level)),
  restoreRate: policy.restoreRate,
});

/** Levels this instance last saw, so that a free operation (cost 0: `{ __typename }`) reports a status without a statement. */
const KNOWN_LEVELS = 10_000;

export function createThrottle(config: ThrottleConfig, store: BucketStore | null, log: Logger): Throttle {
  const known = new Map<string, { level: number; at: number }>();
  const remember = (client: string, level: number) => {
    known.delete(client);
    if (known.size >= KNOWN_LEVELS) known.delete(known.keys().next().value!);
    known.set(client, { level, at: Date.now() });
  };
  const policyOf = (viewer: Viewer): BucketPolicy =>
    viewer.kind === 'seller' || viewer.kind === 'admin'
      ? { capacity: config.sellerBucketSize, restoreRate: config.sellerRestoreRate }
      : { capacity: config.bucketSize, restoreRate: config.restoreRate };

  return {
    async charge(viewer, address, requested) {
      const client = clientOf(viewer, address);
      if (!config.enabled || !store) return { charge: { client, requested, policy: null, level: null } };
      const policy = policyOf(viewer);
      if (requested > policy.capacity) {
        const error = apiError(
          'QUERY_TOO_COMPLEX',
          `The operation costs ${requested} points and a client's bucket holds ${policy.capacity}. Ask for fewer items or fields.`,
        );
        return { error, report: { requestedQueryCost: requested, actualQueryCost: null } };
      }
      const last = requested === 0 ? known.get(client) : undefined;
      if (last) {
        const level = Math.max(0, last.level - (policy.restoreRate * (Date.now() - last.at)) / 1000);
        return { charge: { client, requested, policy, level } };
      }
      let state: BucketState;
      try {
        state = await store.take(client, requested, policy);
      } catch (err) {
        // The throttle protects the database; when the database is away, the request fails on its own,
        // and when Redis is, the request should not.
        if (!isDatabaseUnavailable(err) && !(err instanceof BucketsUnavailable)) throw err;
        log.warn({ err }, 'throttle skipped: its store is unavailable');
        return { charge: { client, requested, policy, level: null } };
      }
      remember(client, state.level);
      if (state.accepted) return { charge: { client, requested, policy, level: state.level } };
      const wait = (state.level + requested - policy.capacity) / policy.restoreRate;
      const retryAfterSeconds = Math.max(0.01, Math.ceil(wait * 100) / 100);
      const error = apiError(
        'RATE_LIMITED',
        `Throttled: the operation costs ${requested} points and ${status(policy, state.level).currentlyAvailable} are available ` +
          `(${policy.capacity} per client, restored at ${policy.restoreRate} per second). Retry in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
      return {
        error,
        retryAfterSeconds,
        report: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status(policy, state.level) },
      };
    },

    settle(charge, data) {
      if (charge.settled) return charge.settled;
      const { client, requested, policy, level } = charge;
      // A free operation's actual cost is 0 whatever its result holds: no walk.
      const actual = requested > 0 ? Math.min(requested, Math.max(1, objectsIn(data) - 1)) : 0;
      const report: CostReport = { requestedQueryCost: requested, actualQueryCost: actual };
      if (policy) {
        if (actual < requested) store?.refund(client, requested - actual);
        if (level !== null) {
          const after = Math.max(0, level - (requested - actual));
          report.throttleStatus = status(policy, after);
          if (requested > 0) remember(client, after);
        }
      }
      charge.settled = report;
      return report;
    },

    async stop() {
      await store?.stop();
    },
  };
}
