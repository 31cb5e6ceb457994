import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';

/**
 * OpenTelemetry tracing (issue 13): HTTP, GraphQL and pg spans, exported over OTLP/HTTP. Off unless an
 * endpoint is configured, so a deployment without a collector loads none of the SDK. The packages are
 * loaded by name only when it is on: they must hook `http`, `graphql` and `pg` before anything loads
 * them, which is why register.ts is main.ts's first import.
 */

/** The collector's base URL (OTLP/HTTP appends /v1/traces), from ZOCO_OTLP_ENDPOINT or the standard variable. */
export function tracingEndpoint(env: NodeJS.ProcessEnv): string | null {
  const value = env['ZOCO_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (!value) return null;
  const name = env['ZOCO_OTLP_ENDPOINT'] ? 'ZOCO_OTLP_ENDPOINT' : env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  if (value.length > 2000 || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(value)) throw new Error(`${name}: must be an http(s):// URL (got ${JSON.stringify(value.slice(0, 100))})`);
  // The per-signal variable is the full URL already (OpenTelemetry's exporter specification).
  if (name === 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') return value;
  return `${value.replace(/\/+$/, '')}/v1/traces`;
}

// The parts of the SDK we call (npm @opentelemetry/*; see README "Traces").
interface Sdk {
  start(): void;
  shutdown(): Promise<void>;
}
type Ctor<T = object> = new (options: Record<string, unknown>) => T;

/** Paths whose requests are not worth a trace each: probes and the scraper. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics', '/metrics/process']);

function load<T>(name: string): T {
  try {
    return createRequire(__filename)(name) as T;
  } catch {
    throw new Error(`tracing is configured but the npm package ${name} is missing: npm install (it is a dependency of zoco)`);
  }
}

/** Starts the SDK when an endpoint is configured; returns how to flush and stop it, or null. */
export function startTracing(env: NodeJS.ProcessEnv): Sdk | null {
  const url = tracingEndpoint(env);
  if (!url) return null;
  const { NodeSDK } = load<{ NodeSDK: Ctor<Sdk> }>('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = load<{ OTLPTraceExporter: Ctor }>('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } = load<{ HttpInstrumentation: Ctor }>('@opentelemetry/instrumentation-http');
  const { GraphQLInstrumentation } = load<{ GraphQLInstrumentation: Ctor }>('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation } = load<{ PgInstrumentation: Ctor }>('@opentelemetry/instrumentation-pg');
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] || 'zoco',
    traceExporter: new OTLPTraceExporter({ url }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED.has((req.url ?? '').split('?')[0]!),
        // The exporter's own requests would each start a trace of their own.
        ignoreOutgoingRequestHook: () => true,
      }),
      // Field spans only for resolvers that do work (not property reads); values stay out of spans (personal data).
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, allowValues: false }),
      // Statement text without values: parameters may be personal data.
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  return sdk;
}
