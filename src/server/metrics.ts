import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import { OUTBOX_MAX_ATTEMPTS } from '../events/dispatcher';
import type { Throttle } from './throttle';
import type { Telemetry } from '../core/telemetry';
import { joinClusterMetrics } from '../telemetry/cluster-metrics';
import { replayOf } from './replay';

/**
 * Prometheus metrics of one app (issue 13), on a registry of its own: tests start many apps in one
 * process, and prom-client's default registry is global.
 */

export type Outcome = 'ok' | 'error' | 'refused';
export type Transport = 'http' | 'ws';
export type PluginDeliveryOutcome = 'ok' | 'failed' | 'gave_up';

/** Operation names are the client's choice: at most this many distinct ones become labels, then "other". */
const MAX_OPERATION_NAMES = 200;
const MAX_OPERATION_NAME_LENGTH = 64;
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const OUTBOX_QUERY_TIMEOUT_MS = 1_000;

export interface OperationRecord {
  /** The operation's name: from the parsed document when known (it may then become a label), else the request's. */
  operation: string | null | undefined;
  /** Whether the name comes from a document the server parsed (only those names are admitted as labels). */
  parsed: boolean;
  outcome: Outcome;
  transport: Transport;
  seconds: number;
  errors?: readonly GraphQLFormattedError[];
}

export interface SocketStats {
  connections: number;
  subscriptions: number;
}

export interface Metrics {
  registry: Registry;
  /** One GraphQL operation finished (a subscription: once accepted or refused). */
  operation(record: OperationRecord): void;
  /** Errors sent outside a timed operation (a subscription's events), by code. */
  errors(errors: readonly GraphQLFormattedError[]): void;
  /** Where the WebSocket server reports its open sockets and subscriptions (read at scrape time). */
  observeSockets(read: () => SocketStats): void;
  /** A plugin's event handler ran (`failed`: a retry is scheduled; `gave_up`: its last retry failed). */
  pluginDelivery(plugin: string, outcome: PluginDeliveryOutcome): void;
  /** The modules' counters (touchpoint events ingested, offers delivered), as AppServices.telemetry. */
  telemetry: Telemetry;
  /** The throttle, its refusals counted. */
  countRefusals(throttle: Throttle): Throttle;
  /** The exposition text, outbox figures read now: the whole cluster's under `zoco serve --workers N`. */
  render(): Promise<string>;
  /** The same, of this process alone (under `--workers`, the child that took the request). */
  renderProcess(): Promise<string>;
}

export function createMetrics({ db, log, prefix = 'zoco_' }: { db: DataSource; log: Logger; prefix?: string }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  const registers = [registry];
  // Under `zoco serve --workers N`, /metrics has one per process, /metrics/process the answering one's.
  new Gauge({ name: `${prefix}process_info`, help: 'Always 1, one series per process: pid names it (several under zoco serve --workers).', labelNames: ['pid'] as const, registers }).set(
    { pid: String(process.pid) },
    1,
  );

  const duration = new Histogram({
    name: `${prefix}graphql_request_duration_seconds`,
    help: 'GraphQL operations by operation name, outcome (ok, error: executed with errors, refused: not executed) and transport.',
    labelNames: ['operation', 'outcome', 'transport'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const errors = new Counter({
    name: `${prefix}graphql_errors_total`,
    help: 'GraphQL errors sent to clients, by extensions.code.',
    labelNames: ['code'] as const,
    registers,
  });
  const refusals = new Counter({
    name: `${prefix}throttle_refusals_total`,
    help: 'Operations the throttle refused, by code (RATE_LIMITED, or QUERY_TOO_COMPLEX when it can never fit).',
    labelNames: ['code'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: `${prefix}plugin_deliveries_total`,
    help: 'Runs of plugin event handlers by plugin and outcome (ok; failed: a retry follows; gave_up: a last retry failed, also counted failed).',
    labelNames: ['plugin', 'outcome'] as const,
    registers,
  });

  const ingested = new Counter({
    name: `${prefix}touchpoint_events_ingested_total`,
    help: 'Touchpoint events stored after deduplication, by source (client: eventsTrack; server: recorded by the API).',
    labelNames: ['source'] as const,
    registers,
  });
  const offersDelivered = new Counter({
    name: `${prefix}offers_delivered_total`,
    help: "Offers pushed to customers' offers subscriptions (replayed ones included).",
    registers,
  });

  const pool = () => (db.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
  const poolGauge = (name: string, help: string, read: (p: NonNullable<ReturnType<typeof pool>>) => number) =>
    new Gauge({
      name: `${prefix}db_pool_${name}`,
      help,
      registers,
      collect() {
        const p = pool();
        if (p) this.set(read(p));
      },
    });
  poolGauge('connections', 'Connections of the app pool, idle or in use.', (p) => p.totalCount);
  poolGauge('idle_connections', 'Idle connections of the app pool.', (p) => p.idleCount);
  poolGauge('waiting_requests', 'Queries waiting for a connection of the app pool.', (p) => p.waitingCount);

  let sockets: (() => SocketStats) | undefined;
  new Gauge({
    name: `${prefix}websocket_connections`,
    help: 'Open (acknowledged) graphql-ws connections.',
    registers,
    collect() {
      this.set(sockets?.().connections ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}websocket_subscriptions`,
    help: 'Active subscriptions over graphql-ws.',
    registers,
    collect() {
      this.set(sockets?.().subscriptions ?? 0);
    },
  });

  // The database's figures, not the process's: read by the process that takes the scrape, never summed over a cluster.
  const outboxRegistry = new Registry();
  const outboxRegisters = [outboxRegistry];
  const outboxLag = new Gauge({
    name: `${prefix}outbox_lag_seconds`,
    help: 'Age of the oldest undelivered outbox event (parked ones aside); 0 when none.',
    registers: outboxRegisters,
  });
  const outboxRetrying = new Gauge({
    name: `${prefix}outbox_retrying_events`,
    help: 'Undelivered outbox events that failed at least once and will be retried.',
    registers: outboxRegisters,
  });
  const outboxParked = new Gauge({ name: `${prefix}outbox_parked_events`, help: `Outbox events parked after ${OUTBOX_MAX_ATTEMPTS} failed attempts.`, registers: outboxRegisters });
  const outboxGauges = [outboxLag, outboxRetrying, outboxParked];

  async function sampleOutbox(): Promise<void> {
    try {
      // Pending rows are few and indexed (outbox_pending_idx); the timeout bounds a scrape all the same.
      const [row] = await db.transaction(async (m) => {
        await m.query(`SET LOCAL statement_timeout = ${OUTBOX_QUERY_TIMEOUT_MS}`);
        return m.query(
          `SELECT coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE attempts < $1)), 0)::float8 AS lag,
                  count(*) FILTER (WHERE attempts > 0 AND attempts < $1)::int AS retrying,
                  count(*) FILTER (WHERE attempts >= $1)::int AS parked
             FROM outbox WHERE dispatched_at IS NULL`,
          [OUTBOX_MAX_ATTEMPTS],
        );
      });
      outboxLag.set(Math.max(0, row.lag));
      outboxRetrying.set(row.retrying);
      outboxParked.set(row.parked);
    } catch (err) {
      // A scrape without the outbox series beats stale figures or a failed scrape.
      for (const g of outboxGauges) g.reset();
      log.warn({ err }, 'metrics: the outbox could not be read');
    }
  }

  const names = new Set<string>();
  function operationLabel(name: string | null | undefined, parsed: boolean): string {
    if (!name) return 'anonymous';
    if (name.length > MAX_OPERATION_NAME_LENGTH || !NAME.test(name)) return 'other';
    if (names.has(name)) return name;
    if (!parsed || names.size >= MAX_OPERATION_NAMES) return 'other';
    names.add(name);
    return name;
  }

  const countErrors = (errs: readonly GraphQLFormattedError[]) => {
    for (const e of errs) {
      const code = e.extensions?.['code'];
      errors.inc({ code: typeof code === 'string' && code.length <= 64 ? code : 'UNKNOWN' });
    }
  };

  const ownText = () => registry.metrics();
  const clusterText = joinClusterMetrics(registry) ?? ownText;
  const withOutbox = async (text: () => Promise<string>) => {
    const [figures] = await Promise.all([text(), sampleOutbox()]);
    return figures + (await outboxRegistry.metrics());
  };

  return {
    registry,
    operation({ operation, parsed, outcome, transport, seconds, errors: errs }) {
      duration.observe({ operation: operationLabel(operation, parsed), outcome, transport }, seconds);
      countErrors(errs ?? []);
    },
    errors: countErrors,
    observeSockets(read) {
      sockets = read;
    },
    pluginDelivery(plugin, outcome) {
      deliveries.inc({ plugin, outcome });
    },
    telemetry: {
      eventsIngested(count, source) {
        if (count > 0) ingested.inc({ source }, count);
      },
      offersDelivered(count) {
        if (count > 0) offersDelivered.inc(count);
      },
    },
    countRefusals(throttle) {
      return {
        ...throttle,
        async charge(...args) {
          const charged = await throttle.charge(...args);
          if (charged.error) refusals.inc({ code: String(charged.error.extensions['code'] ?? 'RATE_LIMITED') });
          return charged;
        },
      };
    },
    render: () => withOutbox(clusterText),
    renderProcess: () => withOutbox(ownText),
  };
}

/** The record of one HTTP operation, from its answer as sent (formatted): the metrics plugin's and the known-documents path's. */
export function recordHttpOperation(
  metrics: Metrics,
  { started, documentName, requestName, parsed, body }: {
    started: bigint;
    /** The operation's name in the parsed document (null: anonymous or none). */
    documentName: string | null | undefined;
    /** The request's operationName. */
    requestName: string | undefined;
    parsed: boolean;
    body: { data?: unknown; errors?: readonly GraphQLFormattedError[] } | undefined;
  },
): void {
  const errs = body?.errors ?? [];
  // Per the GraphQL spec, a request error (nothing executed) has no `data` entry.
  const outcome: Outcome = !errs.length ? 'ok' : body && 'data' in body && body.data !== undefined ? 'error' : 'refused';
  metrics.operation({
    operation: documentName ?? requestName,
    parsed,
    outcome,
    transport: 'http',
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    errors: errs,
  });
}

/** Times each HTTP operation; its outcome and errors are read from the response as sent (formatted). */
export function metricsPlugin<C extends BaseContext>(metrics: Metrics): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ request, contextValue }) {
      // A request the known-documents path handed over is timed from its start there.
      const started = replayOf(contextValue)?.started ?? process.hrtime.bigint();
      return {
        async willSendResponse({ operation, operationName, response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          recordHttpOperation(metrics, { started, documentName: operationName, requestName: request.operationName, parsed: operation !== undefined && operationName !== null, body });
        },
      };
    },
  };
}

/**
 * GET /metrics (the cluster's figures under `--workers`) and /metrics/process (the answering process's):
 * open in development and tests; in production only with `ZOCO_METRICS_TOKEN` as a bearer token, and a
 * 404 otherwise, so an unconfigured deployment does not show it exists.
 */
export function createMetricsRoute(metrics: Metrics, { production, token }: { production: boolean; token?: string }) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  const allowed = (req: IncomingMessage): boolean => {
    if (!production) return true;
    if (!expected) return false;
    const given = Buffer.from(String(req.headers.authorization ?? '').slice(0, 1024));
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return async (req: IncomingMessage, res: ServerResponse, scope: 'cluster' | 'process'): Promise<void> => {
    if (!allowed(req)) {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'Not found. The API is at /graphql.' }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const text = await (scope === 'process' ? metrics.renderProcess() : metrics.render());
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}
