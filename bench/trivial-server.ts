import 'reflect-metadata';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { type GraphQLSchema, parse, validate } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Field, Float, ID, Int, ObjectType, Query, Resolver, buildSchemaSync } from 'type-graphql';
import type { DataSource } from 'typeorm';
import { authChecker } from '../src/auth/auth-checker';
import { guest } from '../src/auth/viewer';
import type { Authenticator } from '../src/auth/authenticate';
import { loadConfig } from '../src/config';
import { createApollo } from '../src/server/apollo';
import { runSchemaPipeline } from '../src/server/schema-pipeline';
import type { AppServices } from '../src/core/context';
import { lazyLoaders } from '../src/core/loaders';
import { createTokenIssuer } from '../src/auth/tokens';
import { createClientAddress } from '../src/server/client-address';
import { createHttpHandler } from '../src/server/http';
import { createMetrics } from '../src/server/metrics';
import { createThrottle } from '../src/server/throttle';
import { createBucketStore, type BucketBackend } from '../src/server/throttle-store';
import { childOptions, failToParent, serveParent } from './child-process';

/**
 * The framework tax: one query of 20 in-memory objects x 5 scalars, served either through our
 * stack or by a raw http handler. Ours takes the real app's per-request path (app.ts createApp):
 * createHttpHandler with CORS, the client's address and metrics; createApollo with the throttle
 * (its buckets in memory: the store's round trip is measured by `npm run bench:trivial`'s createApp
 * rows and `npm run bench:throttle`), metrics and the error policy; createContext over services with
 * every member the real ones have. No trusted documents: off by default. The third stack is the issue's
 * yardstick ("a graphql-jit server on this machine spends ~69 µs"): a bare graphql-jit server on node:http.
 */
export interface TrivialOptions {
  stack: 'zoco' | 'raw' | 'jit';
  /** false: graphql-js and type-graphql's resolver wrapper, as createApp({ fastPaths: false }). */
  fastPaths: boolean;
}

export interface TrivialInfo {
  url: string;
}

@ObjectType({ simpleResolvers: true })
class Item {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  price!: number;

  @Field()
  inStock!: boolean;

  @Field(() => Float)
  rating!: number;
}

const ITEMS: Item[] = Array.from({ length: 20 }, (_, i) => ({
  id: `item-${i + 1}`,
  name: `Item ${i + 1}`,
  price: 1000 + i * 99,
  inStock: i % 3 !== 0,
  rating: 3 + (i % 5) / 2,
}));

@Resolver()
class ItemResolver {
  @Query(() => [Item])
  items(): Item[] {
    return ITEMS;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** What a hand-written endpoint does: read and parse the body, serialise the objects. */
const rawHandler: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
  readBody(req).then((text) => {
    JSON.parse(text);
    const body = JSON.stringify({ data: { items: ITEMS } });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
};

/**
 * A bare graphql-jit server, as the yardstick describes one: node:http, the body's JSON, each query text
 * parsed, validated and compiled once (a Map by text), then the compiled query run and its answer written with
 * its compiled stringify. No context, no limits, no logging, no throttle: what a GraphQL server can't do with less.
 */
function jitHandler(schema: GraphQLSchema): RequestListener {
  const compiled = new Map<string, CompiledQuery>();
  const compile = (query: string): CompiledQuery => {
    const document = parse(query);
    const errors = validate(schema, document);
    if (errors.length) throw errors[0];
    const result = compileQuery(schema, document);
    if (!isCompiledQuery(result)) throw new Error(JSON.stringify(result));
    return result;
  };
  return (req, res) => {
    readBody(req).then(async (text) => {
      const { query, variables } = JSON.parse(text) as { query: string; variables?: Record<string, unknown> };
      let q = compiled.get(query);
      if (!q) {
        q = compile(query);
        compiled.set(query, q);
      }
      const body = q.stringify(await q.query(undefined, {}, variables ?? {}));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }).catch((err: unknown) => {
      // A body it can't read or a query it can't compile: the bench counts the 400 as a bad response.
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  };
}

/** Buckets that never fill, in memory: the throttle's work without a database. */
const undrainable: BucketBackend = {
  take: async (_client, cost) => ({ accepted: true, level: cost }),
  refund: async () => undefined,
  close: async () => undefined,
};

async function zocoHandler(fastPaths: boolean): Promise<RequestListener> {
  const built = buildSchemaSync({ resolvers: [ItemResolver], authChecker, validate: false });
  const schema = runSchemaPipeline(built, { resolvers: [ItemResolver], direct: fastPaths });
  const config = { ...loadConfig({}), logLevel: 'warn' as const };
  const log = pino({ level: config.logLevel, base: undefined });
  // No database: nothing this query reaches uses it.
  const db = {} as DataSource;
  const metrics = createMetrics({ db, log });
  const throttle = metrics.countRefusals(createThrottle({ ...config.throttle, enabled: true }, createBucketStore(undrainable, { log }), log));
  const apollo = createApollo(schema, config, log, { jit: fastPaths, throttle, metrics });
  await apollo.start();
  // The real services' members (runtime.ts), so that a context is as large as the app's; those
  // this query never reaches are empty.
  const unused = {} as never;
  const app: AppServices = {
    db,
    config,
    log,
    telemetry: metrics.telemetry,
    tokens: createTokenIssuer('x'.repeat(32), config.accessTokenTtlSeconds),
    nodes: {},
    events: unused,
    listeners: {},
    privacy: [],
    adjusters: [],
    lineOptions: unused,
    createLoaders: lazyLoaders([], () => new Date()),
    topics: unused,
    now: () => new Date(),
    payments: new Map(),
    plugins: new Map(),
    installations: unused,
    pdfRenderer: unused,
    notifications: unused,
    profileLocale: async () => null,
  };
  const auth: Authenticator = { authenticate: async () => guest };
  return createHttpHandler({ apollo, app, auth, isReady: () => true, clientAddress: createClientAddress(config.trustedProxies), corsOrigins: config.corsOrigins, metrics });
}

/** The handler of a stack (bench/trivial-driver.ts drives it in process). */
export function trivialHandler({ stack, fastPaths }: TrivialOptions): Promise<RequestListener> {
  if (stack === 'zoco') return zocoHandler(fastPaths);
  if (stack === 'jit') return Promise.resolve(jitHandler(buildSchemaSync({ resolvers: [ItemResolver], authChecker, validate: false })));
  return Promise.resolve(rawHandler);
}

async function main(): Promise<void> {
  const handler = await trivialHandler(childOptions<TrivialOptions>());
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const info: TrivialInfo = { url: `http://127.0.0.1:${port}/graphql` };
  serveParent(info, {}, async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
}

if (require.main === module) main().catch(failToParent);
