import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tracingEndpoint } from '../../src/telemetry/tracing';
import { listening, startCli, type Cli } from '../helpers/cli';
import { createSeller } from '../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';

// OTLP/HTTP with the JSON encoding (opentelemetry-proto's JSON mapping): what the exporter posts.
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}
interface ExportRequest {
  resourceSpans: { resource: { attributes: { key: string; value: Record<string, unknown> }[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}
interface Received extends OtlpSpan {
  scope: string;
  service: unknown;
}

/** A tiny collector: every span it is sent, flattened, with its instrumentation scope. */
async function startReceiver(): Promise<{ url: string; spans: Received[]; paths: string[]; close(): Promise<void> }> {
  const spans: Received[] = [];
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as ExportRequest;
      for (const rs of body.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value['stringValue'];
        for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, scope: ss.scope.name, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v ? (v['stringValue'] ?? v['intValue'] ?? v['boolValue']) : undefined;
};

describe('the tracing endpoint setting', () => {
  it('is off with neither variable, prefers ZOCO_OTLP_ENDPOINT, appends the signal path to a base URL, and refuses a non-URL', () => {
    expect(tracingEndpoint({})).toBeNull();
    expect(tracingEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('http://collector:4318/v1/traces');
    expect(tracingEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', ZOCO_OTLP_ENDPOINT: 'https://b.example/otlp/' })).toBe('https://b.example/otlp/v1/traces');
    expect(tracingEndpoint({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' })).toBe('http://c:4318/custom');
    expect(() => tracingEndpoint({ ZOCO_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/ZOCO_OTLP_ENDPOINT: must be an http\(s\):\/\/ URL/);
  });
});

describe('OpenTelemetry traces from the real CLI', () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let cli: Cli | undefined;
  let dataDir: string;

  beforeAll(async () => {
    t = await startTestApp();
    await createSeller(t);
    await t.app.stop();
    receiver = await startReceiver();
    dataDir = await mkdtemp(path.join(tmpdir(), 'zoco-otel-'));
  }, 180_000);
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    await receiver?.close();
    await t?.stop();
  });

  const env = (extra: Record<string, string>) => ({
    NODE_ENV: 'test',
    DATABASE_URL: t.databaseUrl,
    ZOCO_MIGRATE_ON_START: 'false',
    ZOCO_DATA_DIR: dataDir,
    ZOCO_ADMIN_KEY: ADMIN_KEY,
    ZOCO_JWT_SECRET: t.app.config.jwtSecret,
    LOG_LEVEL: 'warn',
    ...extra,
  });

  it('refuses to start with an endpoint that is not a URL, in one line', async () => {
    const bad = startCli(env({ ZOCO_OTLP_ENDPOINT: 'not a url' }));
    expect(await bad.exited).toBe(1);
    expect(bad.output().trim()).toBe('ZOCO_OTLP_ENDPOINT: must be an http(s):// URL (got "not a url")');
  });

  it('exports one trace per operation: the HTTP server span, GraphQL spans and pg spans under it', async () => {
    cli = startCli(env({ ZOCO_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'zoco-test' }));
    const url = await listening(cli, 60_000);
    await fetch(url.replace(/\/graphql$/, '/healthz'));
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query SellerNames { sellers(first: 5) { nodes { name } } }', operationName: 'SellerNames' }),
    });
    expect(((await res.json()) as any).data.sellers.nodes.length).toBe(1);

    const isServerPost = (s: Received) => s.scope === '@opentelemetry/instrumentation-http' && s.kind === 2 && (attr(s, 'http.method') ?? attr(s, 'http.request.method')) === 'POST';
    await until(() => receiver.spans.some(isServerPost), 'the HTTP server span', 20_000);
    const server = receiver.spans.find(isServerPost)!;
    const trace = () => receiver.spans.filter((s) => s.traceId === server.traceId);
    await until(() => trace().some((s) => s.scope === '@opentelemetry/instrumentation-pg'), 'pg spans in its trace', 20_000);
    const scopes = new Set(trace().map((s) => s.scope));
    expect(scopes).toEqual(new Set(['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-graphql', '@opentelemetry/instrumentation-pg']));
    expect(receiver.paths[0]).toMatch(/^POST \/v1\/traces application\/json/);
    expect(server.service).toBe('zoco-test');
    expect(attr(server, 'url.path')).toBe('/graphql');
    expect(Number(attr(server, 'http.response.status_code'))).toBe(200);
    const names = trace().map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate', 'query SellerNames', 'graphql.resolve sellers']));
    const pg = trace().filter((s) => s.scope === '@opentelemetry/instrumentation-pg' && attr(s, 'db.query.text'));
    expect(pg.some((s) => /FROM seller/i.test(String(attr(s, 'db.query.text'))))).toBe(true);
    expect(pg.every((s) => attr(s, 'db.system.name') === 'postgresql')).toBe(true);
    // Parameters stay out of the spans (they can be personal data).
    expect(pg.every((s) => attr(s, 'db.postgresql.values') === undefined)).toBe(true);
    // Probes and the scraper make no traces.
    expect(receiver.spans.filter((s) => attr(s, 'url.path') === '/healthz')).toEqual([]);
  }, 120_000);
});
